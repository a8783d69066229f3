package trace

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Every ptrace stop of a tracee sends the tracer SIGCHLD, as a stopped
// child does (kernel/signal.c: do_notify_parent_cldstop), and the Go
// runtime has a handler for it: on every stop the tracing thread, asleep
// in wait4, is interrupted, runs the handler, returns through
// rt_sigreturn and restarts wait4 - about one signal every other stop,
// measured with strace -c on the tracing thread. strace does not pay
// this, as its SIGCHLD disposition is the default. The kernel sends no
// SIGCHLD for stops when the disposition has SA_NOCLDSTOP, and still wakes
// wait4 ("Even if SIGCHLD is not generated, we must wake up wait4
// calls"), so while a trace runs the runtime's SIGCHLD action is given
// that flag. Exits still send SIGCHLD. The flag is process-wide: a
// program that wants SIGCHLD for its own stopped children (os/signal)
// does not get it while a trace runs.

// kernelSigaction is struct sigaction as rt_sigaction(2) takes it on
// x86-64 (arch/x86/include/uapi/asm/signal.h, with SA_RESTORER).
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const saNoCldStop = 0x1 // SA_NOCLDSTOP

var sigchld struct {
	sync.Mutex
	traces int // traces running; the flag is set while > 0
	added  bool
}

// quietStops sets SA_NOCLDSTOP for the first running trace; the returned
// function clears it after the last, if it was not set before.
func quietStops() func() {
	sigchld.Lock()
	defer sigchld.Unlock()
	if sigchld.traces == 0 {
		sigchld.added = setNoCldStop(true)
	}
	sigchld.traces++
	return func() {
		sigchld.Lock()
		defer sigchld.Unlock()
		sigchld.traces--
		if sigchld.traces == 0 && sigchld.added {
			setNoCldStop(false)
		}
	}
}

// setNoCldStop sets or clears SA_NOCLDSTOP in SIGCHLD's action and
// reports whether it changed it.
func setNoCldStop(on bool) bool {
	var act kernelSigaction
	if sigaction(nil, &act) != nil || (act.flags&saNoCldStop != 0) == on {
		return false
	}
	act.flags ^= saNoCldStop
	return sigaction(&act, nil) == nil
}

func sigaction(act, old *kernelSigaction) error {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
