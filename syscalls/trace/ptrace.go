package trace

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ptrace(2) requests that golang.org/x/sys/unix does not wrap with the
// arguments a seizing tracer needs (PTRACE_SEIZE takes its options in
// data; PTRACE_GET_SYSCALL_INFO and PTRACE_LISTEN have no wrapper).

// syscallInfo is struct ptrace_syscall_info (include/uapi/linux/ptrace.h):
// op says which stop this is; the union after stack_pointer holds the
// entry (nr, args), exit (rval, is_error) or seccomp (nr, args, ret_data)
// view. Data holds the union raw; the accessors below read it.
type syscallInfo struct {
	Op                 uint8
	_                  [3]uint8
	Arch               uint32
	InstructionPointer uint64
	StackPointer       uint64
	Data               [8]uint64
}

// The values of syscallInfo.Op (PTRACE_SYSCALL_INFO_*).
const (
	infoNone    = 0
	infoEntry   = 1
	infoExit    = 2
	infoSeccomp = 3
)

// nr and args are the entry and seccomp views of the union.
func (s *syscallInfo) nr() int { return int(s.Data[0]) }

func (s *syscallInfo) args() (a [6]uint64) {
	copy(a[:], s.Data[1:7])
	return a
}

// rval is the exit view: the return value (a negated errno on error).
func (s *syscallInfo) rval() int64 { return int64(s.Data[0]) }

// ptrace makes a request. The requests used here never block, so they are
// raw system calls: no hand-over of the Go scheduler's P, one fewer cost
// on every ptrace stop.
func ptrace(req int, pid int, addr, data uintptr) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(pid), addr, data, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// seize attaches to thread tid without stopping it (PTRACE_SEIZE, Linux
// 3.4), with the PTRACE_O_* options opts.
func seize(tid int, opts int) error {
	if err := ptrace(unix.PTRACE_SEIZE, tid, 0, uintptr(opts)); err != nil {
		return fmt.Errorf("PTRACE_SEIZE %d: %w", tid, err)
	}
	return nil
}

// getSyscallInfo reads the stopped thread's syscall state
// (PTRACE_GET_SYSCALL_INFO, Linux 5.3).
func getSyscallInfo(tid int) (syscallInfo, error) {
	var si syscallInfo
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_GET_SYSCALL_INFO, uintptr(tid),
		unsafe.Sizeof(si), uintptr(unsafe.Pointer(&si)), 0, 0)
	if e != 0 {
		return si, fmt.Errorf("PTRACE_GET_SYSCALL_INFO %d: %w", tid, e)
	}
	return si, nil
}

// siginfo is the head of siginfo_t for SIGCHLD-style signals: signo,
// errno, code, then (for SIGCHLD) pid, uid, status, utime, stime
// (include/uapi/asm-generic/siginfo.h); for kill(2)-sent signals pid and
// uid only.
type siginfo struct {
	Signo, Errno, Code int32
	_                  int32
	Pid                int32
	UID                uint32
	Status             int32
	_                  int32
	Utime, Stime       int64
	_                  [80]byte
}

// getSiginfo reads the signal a thread is stopped for (PTRACE_GETSIGINFO).
// It fails with EINVAL in a group-stop, which is how the two stops are told
// apart for a tracer without PTRACE_SEIZE.
func getSiginfo(tid int) (siginfo, error) {
	var si siginfo
	err := ptrace(unix.PTRACE_GETSIGINFO, tid, 0, uintptr(unsafe.Pointer(&si)))
	return si, err
}

// listen leaves a thread in its group-stop but lets the tracer see it
// leave (PTRACE_LISTEN): the thread stays stopped until SIGCONT.
func listen(tid int) error { return ptrace(unix.PTRACE_LISTEN, tid, 0, 0) }

// resume restarts a stopped thread: with PTRACE_SYSCALL it stops again at
// the next syscall entry or exit, with PTRACE_CONT only for events and
// signals. sig is the signal to deliver (0: none).
func resume(tid int, stepSyscalls bool, sig int) error {
	req := unix.PTRACE_CONT
	if stepSyscalls {
		req = unix.PTRACE_SYSCALL
	}
	return ptrace(req, tid, 0, uintptr(sig))
}
