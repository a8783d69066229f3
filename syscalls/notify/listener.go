package notify

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Listener is the supervisor's end of a SECCOMP_FILTER_FLAG_NEW_LISTENER
// filter: the fd that SECCOMP_IOCTL_NOTIF_RECV, _SEND, _ID_VALID and _ADDFD
// act on (seccomp_unotify(2)).
//
// mu guards fd against reuse: every ioctl holds mu for reading, Close takes
// it for writing, so no ioctl can reach a recycled fd number. No one holds
// mu while waiting for a notification (the supervisor polls first).
type Listener struct {
	mu     sync.RWMutex
	fd     int
	closed bool
	sizes  notifSizes
}

// Install puts prog on the calling thread with seccomp(2)
// SECCOMP_SET_MODE_FILTER and flags, after PR_SET_NO_NEW_PRIVS (seccomp(2):
// an unprivileged caller must set it; we always do). It returns what the
// kernel returns: the listener fd with SECCOMP_FILTER_FLAG_NEW_LISTENER, else 0.
// The filter binds this thread (all threads with TSYNC) and every process it
// forks or execs, for good: call it in a child.
func Install(prog []unix.SockFilter, flags uintptr) (int, error) {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return -1, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	fd, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags,
		uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER, %#x): %w", flags, errno)
	}
	return int(fd), nil
}

// installListener installs prog with NEW_LISTENER on every thread of the
// child (TSYNC). TSYNC normally returns the id of a thread it could not
// synchronise, which collides with returning the listener fd; TSYNC_ESRCH
// (Linux 5.7) makes that case ESRCH instead. Kernels without it get the
// filter on this thread only, which is enough: this thread execs next.
func installListener(prog []unix.SockFilter) (int, error) {
	fd, err := Install(prog, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER|
		unix.SECCOMP_FILTER_FLAG_TSYNC|unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
	if errors.Is(err, unix.EINVAL) {
		fd, err = Install(prog, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER)
	}
	return fd, err
}

// notifyLink is what /proc/PID/fd/N reads for a listener fd
// (kernel/seccomp.c: anon_inode_getfile("seccomp notify", ...)).
const notifyLink = "anon_inode:seccomp notify"

// grabListener copies the child's listener into this process: it finds the
// fd by its /proc link and takes it with pidfd_getfd(2) (Linux 5.6), which
// needs PTRACE_MODE_ATTACH rights over the child, as its parent has. The
// child waits on the go-ahead pipe meanwhile; if it exits instead (its
// setup failed), or nothing appears by the deadline, grabListener says so.
func grabListener(pid, pidfd int, timeout time.Duration) (*Listener, error) {
	deadline := time.Now().Add(timeout)
	for delay := 20 * time.Microsecond; ; delay = min(2*delay, 5*time.Millisecond) {
		if n, ok := findListenerFD(pid); ok {
			fd, err := unix.PidfdGetfd(pidfd, n, 0)
			if err != nil {
				return nil, fmt.Errorf("pidfd_getfd(pid %d, fd %d): %w", pid, n, err)
			}
			return newListener(fd)
		}
		if exited(pidfd) {
			return nil, fmt.Errorf("child %d exited before it installed the filter (see its stderr)", pid)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("child %d: no seccomp listener fd after %v", pid, timeout)
		}
		time.Sleep(delay)
	}
}

// findListenerFD scans /proc/PID/fd for the listener.
func findListenerFD(pid int) (int, bool) {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, false
	}
	for _, e := range ents {
		if link, err := os.Readlink(dir + e.Name()); err == nil && link == notifyLink {
			n, err := strconv.Atoi(e.Name())
			return n, err == nil
		}
	}
	return 0, false
}

// exited reports whether the process behind pidfd has exited: a pidfd
// polls readable then (pidfd_open(2)).
func exited(pidfd int) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, _ := unix.Poll(fds, 0)
	return n > 0
}

func newListener(fd int) (*Listener, error) {
	sizes, err := getNotifSizes()
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &Listener{fd: fd, sizes: sizes}, nil
}

// ErrClosed is returned by a Listener's methods after Close.
var ErrClosed = errors.New("notify: listener closed")

// ioctl runs one SECCOMP_IOCTL_NOTIF_* request under the read lock.
func (l *Listener) ioctl(req uintptr, arg unsafe.Pointer) (uintptr, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return 0, ErrClosed
	}
	for {
		r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(l.fd), req, uintptr(arg))
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return 0, errno
		}
		return r, nil
	}
}

// Close closes the listener. The kernel then fails every notification not
// yet answered, and every later one, with ENOSYS (seccomp_unotify(2),
// kernel/seccomp.c seccomp_notify_release).
func (l *Listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return unix.Close(l.fd)
}
