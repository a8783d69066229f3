package notify

// Emulating a syscall on the process's behalf, and the time-of-check /
// time-of-use rule that makes it safe (seccomp_unotify(2), "Caveats regarding
// the use of /proc/[tid]/mem" and NOTES).
//
// The supervisor sees the syscall's arguments, but pointer arguments point
// into the process's memory, which the supervisor must read itself. Three
// races follow, and this file's helpers close the first two:
//
//  1. The thread may die, or a signal may interrupt its syscall, after the
//     kernel queued the notification; its pid may even be reused by a new
//     process. So after every read of the process's memory we ask
//     SECCOMP_IOCTL_NOTIF_ID_VALID: if the notification is still pending,
//     the thread was alive and blocked in this syscall during the read, so
//     the pid named the right process and the bytes are the ones it passed.
//     Only then do we act on them (open a file, decide). ReadString and
//     GetFD do this and return ErrGone otherwise.
//  2. The pointer may be bad (unmapped, kernel address): process_vm_readv(2)
//     fails with EFAULT and we return an error naming the address; a
//     hostile process cannot crash the supervisor with its arguments.
//  3. Another thread of the process can rewrite the memory after we read
//     it. If the supervisor then answers Continue, the kernel re-reads the
//     pointer and may see a different path than the one approved. So
//     Continue is never a security decision: to enforce a policy on a
//     pointer argument, Deny, or emulate the syscall entirely with what was
//     read (open the file here and hand over the fd with ReturnFD), so the
//     value checked is the value used.

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// MaxPath is the longest string ReadString reads by default: PATH_MAX.
const MaxPath = unix.PathMax

// ReadString reads the NUL-terminated string at addr in the process, at
// most limit bytes without the NUL, then checks the notification is still
// valid (rule 1 above).
func (n *Notification) ReadString(addr uint64, limit int) (string, error) {
	s, err := readString(n.PID, addr, limit)
	if err != nil {
		return "", fmt.Errorf("%s: %w", n.Name(), err)
	}
	if err := n.Valid(); err != nil {
		return "", err
	}
	return s, nil
}

// PathArg reads argument i as a path (for openat, argument 1).
func (n *Notification) PathArg(i int) (string, error) {
	if i < 0 || i >= len(n.Args) {
		return "", fmt.Errorf("%s: no argument %d", n.Name(), i)
	}
	return n.ReadString(n.Args[i], MaxPath)
}

// Valid is SECCOMP_IOCTL_NOTIF_ID_VALID for this notification: nil while
// the thread still waits in the syscall, ErrGone after.
func (n *Notification) Valid() error { return n.l.IDValid(n.ID) }

// readString reads page by page, so a string that ends just before an
// unmapped page is still read, and stops at the first NUL.
func readString(pid int, addr uint64, limit int) (string, error) {
	var out []byte
	const page = 4096
	for len(out) <= limit {
		chunk := int(page - (addr+uint64(len(out)))%page)
		buf := make([]byte, min(chunk, limit+1-len(out)))
		got, err := readMem(pid, addr+uint64(len(out)), buf)
		if i := bytes.IndexByte(buf[:got], 0); i >= 0 {
			return string(append(out, buf[:i]...)), nil
		}
		if err != nil {
			return "", fmt.Errorf("reading string at %#x (byte %d): %w", addr, len(out)+got, err)
		}
		out = append(out, buf[:got]...)
	}
	return "", fmt.Errorf("string at %#x longer than %d bytes", addr, limit)
}

// readMem is process_vm_readv(2) of len(buf) bytes at addr in pid.
func readMem(pid int, addr uint64, buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	if addr+uint64(len(buf)) < addr {
		return 0, fmt.Errorf("address %#x wraps", addr)
	}
	local := []unix.Iovec{{Base: &buf[0], Len: uint64(len(buf))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	got, err := unix.ProcessVMReadv(pid, local, remote, 0)
	if err != nil {
		return 0, fmt.Errorf("process_vm_readv(pid %d, %#x, %d): %w", pid, addr, len(buf), err)
	}
	if got < len(buf) {
		return got, fmt.Errorf("process_vm_readv(pid %d, %#x): short read %d of %d", pid, addr, got, len(buf))
	}
	return got, nil
}

// pidfdThread is PIDFD_THREAD (= O_EXCL): a pidfd for a thread.
const pidfdThread = unix.O_EXCL

// GetFD copies the process's fd targetfd into the supervisor with
// pidfd_open(2) and pidfd_getfd(2) (Linux 5.6), for syscalls the supervisor
// emulates on an fd (connect, bind, ioctl). The pidfd is checked with
// ID_VALID after it is opened, so it names the notifying thread's process
// and not a successor with a reused pid. The caller closes the result.
func (n *Notification) GetFD(targetfd int) (int, error) {
	pidfd, err := unix.PidfdOpen(n.PID, 0)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) { // a thread, not a leader: PIDFD_THREAD (Linux 6.9)
		pidfd, err = unix.PidfdOpen(n.PID, pidfdThread)
	}
	if err != nil {
		return -1, fmt.Errorf("pidfd_open(%d): %w", n.PID, err)
	}
	defer unix.Close(pidfd)
	if err := n.Valid(); err != nil {
		return -1, err
	}
	fd, err := unix.PidfdGetfd(pidfd, targetfd, 0)
	if err != nil {
		return -1, fmt.Errorf("pidfd_getfd(pid %d, fd %d): %w", n.PID, targetfd, err)
	}
	return fd, nil
}
