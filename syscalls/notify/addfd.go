package notify

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// AddFDOptions shapes SECCOMP_IOCTL_NOTIF_ADDFD (seccomp_unotify(2), Linux
// 5.9; SEND in 5.14).
type AddFDOptions struct {
	// Send also answers the notification: the syscall returns the new fd
	// number, atomically with the install, so the process never sees an fd
	// it was not told about.
	Send bool
	// NewFD, with SetFD, is the fd number to use in the process (dup2-like);
	// otherwise the kernel picks the lowest free one.
	SetFD bool
	NewFD int
	// Flags are the new fd's flags: O_CLOEXEC or 0.
	Flags uint32
}

// notifAddFD is struct seccomp_notif_addfd.
type notifAddFD struct {
	ID         uint64
	Flags      uint32
	SrcFD      uint32
	NewFD      uint32
	NewFDFlags uint32
}

// ioctlNotifAddFD is SECCOMP_IOCTL_NOTIF_ADDFD, _IOW('!', 3, struct seccomp_notif_addfd).
const ioctlNotifAddFD = 0x40182103

// AddFD installs a copy of the supervisor's fd into the process waiting in
// notification id and returns its number there. Without Send the syscall
// still waits for a response.
func (l *Listener) AddFD(id uint64, fd int, o AddFDOptions) (int, error) {
	a := notifAddFD{ID: id, SrcFD: uint32(fd), NewFDFlags: o.Flags}
	if o.Send {
		a.Flags |= unix.SECCOMP_ADDFD_FLAG_SEND
	}
	if o.SetFD {
		a.Flags |= unix.SECCOMP_ADDFD_FLAG_SETFD
		a.NewFD = uint32(o.NewFD)
	}
	r, err := l.ioctl(ioctlNotifAddFD, unsafe.Pointer(&a))
	if err != nil {
		return -1, ioctlErr("SECCOMP_IOCTL_NOTIF_ADDFD", err)
	}
	return int(r), nil
}
