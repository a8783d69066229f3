package runtime

import (
	"fmt"
	"sort"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Joining a namespace by path (runtime-spec config-linux.md "Namespaces":
// "path"). The runtime opens each path, and the launch thread setns(2)s
// into it before it forks the init (launch.go), so the init starts inside:
// its network namespace before it mounts sysfs, its mount namespace
// before anything resolves a path, its pid namespace before it has a pid.
// setns checks that the file is a namespace of the stated type (EINVAL).
//
// A user or time namespace cannot be joined: setns(CLONE_NEWUSER) needs a
// single-threaded caller (setns(2) EINVAL), setns(CLONE_NEWTIME) too
// (EUSERS; checked on this kernel), and every thread of a Go
// program is multi-threaded by the time any Go code runs — the runtime
// starts sysmon and GC workers before package init — and Go's fork path
// between clone and execve (syscall.forkAndExecInChild) offers no setns.
// Without C code that runs before the Go runtime (runc's nsexec) there is
// no caller to do it; the config is refused with that reason.
var notJoinable = map[specs.LinuxNamespaceType]string{
	specs.UserNamespace: "setns(2) into a user namespace needs a single-threaded caller, " +
		"and a Go process has threads before its first line runs (runc joins it from C before Go starts)",
	specs.TimeNamespace: "setns(2) into a time namespace needs a single-threaded caller (EUSERS, " +
		"kernel/time/namespace.c timens_install), which a Go process never is",
}

// nsPath is the path of the namespace of type t in nss, or "".
func nsPath(nss []specs.LinuxNamespace, t specs.LinuxNamespaceType) string {
	for _, ns := range nss {
		if ns.Type == t {
			return ns.Path
		}
	}
	return ""
}

// openJoins opens the namespaces of nss given by path, the mount
// namespace last; the caller closes them (threadNS.close).
func openJoins(nss []specs.LinuxNamespace) (*threadNS, error) {
	t := &threadNS{}
	for i, ns := range nss {
		if ns.Path == "" {
			continue
		}
		fd, err := unix.Open(ns.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.close()
			return nil, fmt.Errorf("linux.namespaces[%d].path: %w", i, err)
		}
		t.join = append(t.join, nsFD{fd: fd, typ: ns.Type, what: fmt.Sprintf("linux.namespaces[%d].path: setns %s", i, ns.Path)})
	}
	t.mountLast()
	return t, nil
}

// mountLast moves the mount namespace to the end of t.join: setns into it
// changes the thread's root and cwd (launch.go).
func (t *threadNS) mountLast() {
	sort.SliceStable(t.join, func(i, j int) bool {
		return t.join[i].typ != specs.MountNamespace && t.join[j].typ == specs.MountNamespace
	})
}
