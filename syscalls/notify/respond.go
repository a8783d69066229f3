package notify

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Response is a handler's decision on one notification.
type Response struct {
	kind   respKind
	val    int64
	errno  unix.Errno
	fd     int // for kindFD: the supervisor's fd to install in the process
	fdFlag uint32
}

type respKind uint8

const (
	kindContinue respKind = iota
	kindDeny
	kindReturn
	kindFD
)

// Continue lets the kernel run the syscall as if no filter had stopped it
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5). It is not a security
// decision: see emulate.go.
func Continue() Response { return Response{kind: kindContinue} }

// Deny fails the syscall with errno, without running it.
func Deny(errno unix.Errno) Response { return Response{kind: kindDeny, errno: errno} }

// Return completes the syscall, without running it, with result val: the
// supervisor emulated it.
func Return(val int64) Response { return Response{kind: kindReturn, val: val} }

// ReturnFD installs the supervisor's fd in the process and completes the
// syscall with the new fd number, atomically (SECCOMP_IOCTL_NOTIF_ADDFD
// with SECCOMP_ADDFD_FLAG_SEND, Linux 5.14); cloexec sets O_CLOEXEC on the
// new fd. The supervisor closes its own fd after sending.
func ReturnFD(fd int, cloexec bool) Response {
	r := Response{kind: kindFD, fd: fd}
	if cloexec {
		r.fdFlag = unix.O_CLOEXEC
	}
	return r
}

func (r Response) String() string {
	switch r.kind {
	case kindDeny:
		return "deny " + unix.ErrnoName(r.errno)
	case kindReturn:
		return fmt.Sprintf("return %d", r.val)
	case kindFD:
		return fmt.Sprintf("return fd (ours %d)", r.fd)
	}
	return "continue"
}

// notifResp is struct seccomp_notif_resp.
type notifResp struct {
	ID    uint64
	Val   int64
	Error int32 // 0 or a negated errno
	Flags uint32
}

// Respond answers notification id with r: SECCOMP_IOCTL_NOTIF_SEND, or
// ADDFD+SEND for ReturnFD. ErrGone means the thread is no longer waiting.
func (l *Listener) Respond(id uint64, r Response) error {
	if r.kind == kindFD {
		defer unix.Close(r.fd)
		_, err := l.AddFD(id, r.fd, AddFDOptions{Send: true, Flags: r.fdFlag})
		return err
	}
	resp := notifResp{ID: id}
	switch r.kind {
	case kindContinue:
		resp.Flags = unix.SECCOMP_USER_NOTIF_FLAG_CONTINUE
	case kindDeny:
		resp.Error = -int32(r.errno)
	case kindReturn:
		resp.Val = r.val
	}
	_, err := l.ioctl(unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp))
	return ioctlErr("SECCOMP_IOCTL_NOTIF_SEND", err)
}

// ioctlNotifIDValid is SECCOMP_IOCTL_NOTIF_ID_VALID, _IOW('!', 2, __u64).
// (The first uapi header said _IOR, 0x80082102; the kernel accepts both.)
const ioctlNotifIDValid = 0x40082102

// IDValid reports whether notification id is still pending: its thread is
// alive and still inside the syscall. Check it after reading the process's
// memory and before acting on what was read (emulate.go).
func (l *Listener) IDValid(id uint64) error {
	_, err := l.ioctl(ioctlNotifIDValid, unsafe.Pointer(&id))
	return ioctlErr("SECCOMP_IOCTL_NOTIF_ID_VALID", err)
}

// ioctlErr maps the kernel's ENOENT to ErrGone and names the request.
func ioctlErr(req string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		return ErrGone
	case errors.Is(err, ErrClosed):
		return err
	}
	return fmt.Errorf("%s: %w", req, err)
}

// ioctlNotifSetFlags is SECCOMP_IOCTL_NOTIF_SET_FLAGS, _IOW('!', 4, __u64).
const ioctlNotifSetFlags = 0x40082104

// SetSyncWakeUp sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on the listener:
// the kernel then wakes the supervisor with WF_SYNC, hinting the scheduler
// to run it on the notifying thread's CPU, which is about to sleep
// (Linux 6.6, kernel/seccomp.c).
func (l *Listener) SetSyncWakeUp() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	// The flags are the argument itself, not a pointer to them.
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(l.fd), ioctlNotifSetFlags, unix.SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)
	if errno != 0 {
		return fmt.Errorf("SECCOMP_IOCTL_NOTIF_SET_FLAGS(SYNC_WAKE_UP): %w", errno)
	}
	return nil
}
