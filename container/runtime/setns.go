package runtime

import (
	"fmt"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Joining a namespace by path (runtime-spec config-linux.md "Namespaces":
// "path"). setns(2) changes the namespaces of the calling thread only; the
// init runs on its locked thread and execs from it, and execve keeps the
// thread's namespaces for the whole new program. So the init joins right
// after it starts, before it mounts sysfs (which takes the thread's
// network namespace) or sets the hostname.
//
// Only the types a single thread of a multi-threaded process may join are
// accepted: network, uts and ipc. A mount namespace needs a single-threaded
// caller (setns(2) EINVAL), a pid namespace takes effect for children only,
// a user namespace both — those need the join before the Go runtime
// starts, which is not done yet.
var joinable = map[specs.LinuxNamespaceType]bool{
	specs.NetworkNamespace: true,
	specs.UTSNamespace:     true,
	specs.IPCNamespace:     true,
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

// joinNamespaces setns(2)s the calling thread into each namespace given by
// path, checking that the file is a namespace of the stated type.
func joinNamespaces(nss []specs.LinuxNamespace) error {
	for i, ns := range nss {
		if ns.Path == "" {
			continue
		}
		fd, err := unix.Open(ns.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("linux.namespaces[%d].path: %w", i, err)
		}
		err = unix.Setns(fd, int(cloneFlag[ns.Type]))
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("linux.namespaces[%d].path: setns %s (%s): %w", i, ns.Path, ns.Type, err)
		}
	}
	return nil
}
