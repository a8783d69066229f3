package seccomp

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Install flags: the seccomp(2) SECCOMP_SET_MODE_FILTER flags a caller may
// pass. Install always adds FlagTSYNC.
const (
	FlagTSYNC            = unix.SECCOMP_FILTER_FLAG_TSYNC
	FlagLog              = unix.SECCOMP_FILTER_FLAG_LOG
	FlagSpecAllow        = unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW
	FlagNewListener      = unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
	FlagTSYNCESRCH       = unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH
	FlagWaitKillableRecv = unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
)

// Install attaches the filter to the calling process, irrevocably:
//  1. prctl(PR_SET_NO_NEW_PRIVS, 1): an unprivileged process may only
//     install a filter after giving up set-user-ID gains (seccomp(2));
//  2. seccomp(SECCOMP_SET_MODE_FILTER, flags|f.Flags|TSYNC, &sock_fprog):
//     TSYNC puts every thread of the process under the filter at once, which
//     a Go program needs since the runtime has several threads. With
//     FlagNewListener the kernel returns a user-notification fd; TSYNC then
//     needs TSYNC_ESRCH (the kernel cannot return both a listener and the id
//     of a thread it failed to synchronise), which Install adds.
//
// It returns the listener fd, or -1. Call it from a process meant to be
// filtered (the helper of Command), not from a long-lived tool.
func (f *Filter) Install(flags int) (listenerFD int, err error) {
	flags |= f.Flags | FlagTSYNC
	if flags&FlagNewListener != 0 {
		flags |= FlagTSYNCESRCH
	}
	r, err := f.load(flags, true)
	if err != nil {
		return -1, err
	}
	if flags&FlagNewListener != 0 {
		return int(r), nil
	}
	if r != 0 {
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): thread %d could not be synchronised", r)
	}
	return -1, nil
}

// load sets no_new_privs (unless told not to: the caller then needs
// CAP_SYS_ADMIN) and calls seccomp(2) with exactly these flags; it returns
// the syscall's result (a listener fd, a thread id or 0).
func (f *Filter) load(flags int, noNewPrivs bool) (uintptr, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if noNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return 0, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
		}
	}
	prog := unix.SockFprog{Len: uint16(len(f.Insns)), Filter: &f.Insns[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(f.Insns)
	if errno != 0 {
		return 0, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, %#x): %w", flags, errno)
	}
	return r, nil
}
