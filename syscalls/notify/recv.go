package notify

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// Notification is one struct seccomp_notif: a thread of the supervised
// process stopped in a syscall that the filter answered with
// SECCOMP_RET_USER_NOTIF, waiting for the supervisor's response.
type Notification struct {
	ID    uint64 // the cookie every response and check names
	PID   int    // the thread id, in the supervisor's pid namespace
	Flags uint32
	Nr    int    // syscall number (struct seccomp_data)
	Arch  uint32 // AUDIT_ARCH_*
	IP    uint64 // instruction pointer at the syscall
	Args  [6]uint64

	l *Listener
}

// Name is the syscall's name from systab, for an x86-64 call; a call of
// another architecture (a filter from Options.Filter may let i386 calls
// through) is named by number and architecture, since the numbers differ.
func (n *Notification) Name() string {
	if n.Arch != unix.AUDIT_ARCH_X86_64 {
		return fmt.Sprintf("syscall_%d(arch %#x)", n.Nr, n.Arch)
	}
	return systab.Name(n.Nr)
}

func (n *Notification) String() string {
	return fmt.Sprintf("notif %#x: pid %d %s(%#x, %#x, %#x, ...)", n.ID, n.PID, n.Name(), n.Args[0], n.Args[1], n.Args[2])
}

// notifSizes is struct seccomp_notif_sizes, from seccomp(2) SECCOMP_GET_NOTIF_SIZES.
type notifSizes struct {
	Notif, Resp, Data uint16
}

// Our layouts (include/uapi/linux/seccomp.h): seccomp_notif is id u64, pid
// u32, flags u32, then seccomp_data (nr s32, arch u32, ip u64, args 6*u64).
const (
	notifLen = 80
	respLen  = 24
	dataLen  = 64
)

// getNotifSizes asks the kernel how big its structures are. A newer kernel
// may have grown them; the receive buffer is then the kernel's size (it
// writes that much), and we read the prefix we know.
func getNotifSizes() (notifSizes, error) {
	var s notifSizes
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_NOTIF_SIZES, 0, uintptr(unsafe.Pointer(&s)))
	if errno != 0 {
		return s, fmt.Errorf("seccomp(SECCOMP_GET_NOTIF_SIZES): %w", errno)
	}
	if s.Notif < notifLen || s.Resp < respLen || s.Data < dataLen {
		return s, fmt.Errorf("kernel notification sizes %+v smaller than the uapi layout", s)
	}
	return s, nil
}

// ErrGone means the notification no longer exists: the thread died, or a
// signal interrupted its syscall, between the kernel queueing the
// notification and our acting on it (the kernel's ENOENT).
var ErrGone = errors.New("notify: notification gone (thread died or syscall interrupted)")

// Recv receives the next notification with SECCOMP_IOCTL_NOTIF_RECV. It
// blocks until one is queued; the Supervisor polls the listener first. The
// buffer is zeroed before each call, as the kernel requires (it returns
// EINVAL for a non-zero buffer since Linux 5.5).
func (l *Listener) Recv() (*Notification, error) {
	buf := make([]byte, max(int(l.sizes.Notif), notifLen))
	if _, err := l.ioctl(unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&buf[0])); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil, ErrGone
		}
		return nil, fmt.Errorf("SECCOMP_IOCTL_NOTIF_RECV: %w", err)
	}
	n, err := parseNotif(buf)
	if err != nil {
		return nil, err
	}
	n.l = l
	return n, nil
}

// parseNotif decodes struct seccomp_notif from its first 80 bytes.
func parseNotif(b []byte) (*Notification, error) {
	if len(b) < notifLen {
		return nil, fmt.Errorf("struct seccomp_notif: %d bytes, want %d", len(b), notifLen)
	}
	le := binary.LittleEndian
	n := &Notification{
		ID:    le.Uint64(b[0:]),
		PID:   int(le.Uint32(b[8:])),
		Flags: le.Uint32(b[12:]),
		Nr:    int(int32(le.Uint32(b[16:]))),
		Arch:  le.Uint32(b[20:]),
		IP:    le.Uint64(b[24:]),
	}
	for i := range n.Args {
		n.Args[i] = le.Uint64(b[32+8*i:])
	}
	return n, nil
}
