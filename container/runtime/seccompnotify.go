package runtime

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The seccomp user-notify listener (runtime-spec config-linux.md
// "Seccomp", listenerPath; seccomp_unotify(2)). A rule with
// SCMP_ACT_NOTIFY makes the kernel stop the calling thread and queue the
// syscall on the filter's listener fd, where a supervisor (the "seccomp
// agent" listening on listenerPath) decides its result. The init:
//
//  1. during setup, before pivot_root (listenerPath is a host path),
//     connects a unix stream socket to listenerPath (connectListener), so
//     a missing agent fails create;
//  2. at exec time, with everything built beforehand (execve's arrays,
//     the message: the specs.ContainerProcessState JSON with fds
//     ["seccompFd"], the container's state and listenerMetadata, and an
//     SCM_RIGHTS control buffer), installs the filter on its thread with
//     SECCOMP_FILTER_FLAG_NEW_LISTENER, which returns the listener fd
//     (after PR_SET_NO_NEW_PRIVS unless process.noNewPrivileges is false,
//     as for a filter without a listener);
//  3. writes that fd into the control buffer and sends the message with
//     one raw sendmsg(2) (unix(7) SCM_RIGHTS), then execve(2)s the
//     process; the listener and the socket are close-on-exec, so the
//     process keeps neither.
//
// Between 2 and 3 the thread runs under the filter and makes exactly two
// system calls, sendmsg and execve. A policy that notifies on sendmsg
// would wait for an agent that has no fd yet, and one that denies it
// could not deliver the fd: both are refused at create
// (checkListenerPolicy), as runc refuses SCMP_ACT_NOTIFY on the write it
// uses. A policy with SCMP_ACT_NOTIFY but no listenerPath is refused too:
// the kernel would fail every notified syscall with ENOSYS.

// listenerSender is what the init needs at exec time to hand the
// listener fd to the agent.
type listenerSender struct {
	path string // listenerPath, for errors
	sock int    // connected to listenerPath, close-on-exec
	msg  []byte // the ContainerProcessState JSON
	oob  []byte // SCM_RIGHTS with one fd, filled in after install
}

// usesNotify reports whether the policy has an SCMP_ACT_NOTIFY action.
func usesNotify(sc *specs.LinuxSeccomp) bool {
	if sc.DefaultAction == specs.ActNotify {
		return true
	}
	for _, r := range sc.Syscalls {
		if r.Action == specs.ActNotify {
			return true
		}
	}
	return false
}

// checkListenerPolicy refuses the combinations that cannot work (see the
// comment above).
func checkListenerPolicy(sc *specs.LinuxSeccomp, f *seccomp.Filter) error {
	if sc.ListenerPath == "" {
		if usesNotify(sc) {
			return errors.New("linux.seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath (a seccomp agent)")
		}
		return nil
	}
	ret := f.Run(seccomp.SeccompData{Nr: unix.SYS_SENDMSG, Arch: unix.AUDIT_ARCH_X86_64})
	if act := ret & unix.SECCOMP_RET_ACTION_FULL; act != unix.SECCOMP_RET_ALLOW && act != unix.SECCOMP_RET_LOG {
		return fmt.Errorf("linux.seccomp: the policy's action for sendmsg is %s; with listenerPath the runtime sends "+
			"the listener fd with sendmsg under the filter, so sendmsg must be allowed", seccomp.ActionString(ret))
	}
	return nil
}

// connectListener connects to linux.seccomp.listenerPath (step 1); -1
// without one.
func connectListener(sc *specs.LinuxSeccomp) (int, error) {
	if sc == nil || sc.ListenerPath == "" {
		return -1, nil
	}
	if !filepath.IsAbs(sc.ListenerPath) {
		return -1, fmt.Errorf("linux.seccomp.listenerPath %q: not an absolute path", sc.ListenerPath)
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("linux.seccomp.listenerPath: socket: %w", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: sc.ListenerPath}); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("linux.seccomp.listenerPath %s: connect: %w", sc.ListenerPath, err)
	}
	return fd, nil
}

// newListenerSender builds the message for the agent.
func newListenerSender(sock int, b *bootstrap) (*listenerSender, error) {
	st := specs.ContainerProcessState{
		Version:  specs.Version,
		Fds:      []string{specs.SeccompFdName},
		Pid:      b.Pid,
		Metadata: b.Spec.Linux.Seccomp.ListenerMetadata,
		State:    *b.state(specs.StateRunning, b.Pid),
	}
	msg, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return &listenerSender{path: b.Spec.Linux.Seccomp.ListenerPath, sock: sock, msg: msg, oob: unix.UnixRights(-1)}, nil
}

// execWithListener is steps 2 and 3: it returns only on failure. With
// noNewPrivs false (process.noNewPrivileges false) the filter goes in
// without PR_SET_NO_NEW_PRIVS, which needs CAP_SYS_ADMIN, as for
// Filter.ExecPrivileged.
func (l *listenerSender) execWithListener(f *seccomp.Filter, path string, argv, env []string, noNewPrivs bool) error {
	pathp, err := unix.BytePtrFromString(path)
	if err != nil {
		return err
	}
	argvp, err := cStrings(argv)
	if err != nil {
		return err
	}
	envp, err := cStrings(env)
	if err != nil {
		return err
	}
	var iov unix.Iovec
	iov.Base = &l.msg[0]
	iov.SetLen(len(l.msg))
	var hdr unix.Msghdr
	hdr.Iov = &iov
	hdr.SetIovlen(1)
	hdr.Control = &l.oob[0]
	hdr.SetControllen(len(l.oob))
	lfd, err := installListener(f, noNewPrivs)
	if err != nil {
		return fmt.Errorf("linux.seccomp: %w", err)
	}
	binary.NativeEndian.PutUint32(l.oob[unix.CmsgLen(0):], uint32(lfd))
	_, _, errno := unix.RawSyscall(unix.SYS_SENDMSG, uintptr(l.sock), uintptr(unsafe.Pointer(&hdr)), unix.MSG_NOSIGNAL)
	if errno != 0 {
		return fmt.Errorf("sending the seccomp listener fd to %s: %w", l.path, errno)
	}
	_, _, errno = unix.RawSyscall(unix.SYS_EXECVE, uintptr(unsafe.Pointer(pathp)),
		uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envp[0])))
	runtime.KeepAlive(l)
	runtime.KeepAlive(argvp)
	runtime.KeepAlive(envp)
	return fmt.Errorf("execve %s: %w", path, errno)
}

// installListener installs f on the calling thread only (no TSYNC: the
// thread execs next) with SECCOMP_FILTER_FLAG_NEW_LISTENER and returns
// the listener fd (seccomp(2)).
func installListener(f *seccomp.Filter, noNewPrivs bool) (int, error) {
	if err := f.Validate(); err != nil {
		return -1, err
	}
	if noNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return -1, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
		}
	}
	flags := uintptr(f.Flags)&^(seccomp.FlagTSYNC|seccomp.FlagTSYNCESRCH) | unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
	prog := unix.SockFprog{Len: uint16(len(f.Insns)), Filter: &f.Insns[0]}
	fd, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(f.Insns)
	if errno != 0 {
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, %#x): %w", flags, errno)
	}
	return int(fd), nil
}

// cStrings is a NULL-terminated array of C strings, as execve(2) takes.
func cStrings(ss []string) ([]*byte, error) {
	out := make([]*byte, len(ss)+1)
	for i, s := range ss {
		p, err := unix.BytePtrFromString(s)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}
