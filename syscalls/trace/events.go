package trace

import (
	"time"

	"github.com/deepsys/deepsys/syscalls/decode"
	"golang.org/x/sys/unix"
)

// syscallStop handles a syscall-entry or syscall-exit stop (step 4). What
// must read the tracee (decoding) happens while it is stopped; the output
// is written after it has been restarted, so that the two run at once.
func (t *tracer) syscallStop(th *thread) {
	info, err := getSyscallInfo(th.tid)
	var write func()
	if err == nil {
		switch info.Op {
		case infoEntry, infoSeccomp:
			th.mem.SP = info.StackPointer // rt_sigreturn's frame is there
			t.enter(th, info.nr(), info.args())
		case infoExit:
			write = t.exit(th, info.rval())
		}
	}
	t.cont(th, 0)
	if write != nil {
		write()
	}
}

// enter starts th's syscall nr.
func (t *tracer) enter(th *thread, nr int, args [6]uint64) {
	if th.hidden && nr == unix.SYS_EXECVE {
		th.hidden = false
	}
	th.show = !th.hidden && (t.shown == nil || t.shown[nr])
	var mem decode.Memory
	if th.show {
		mem = th.mem
	}
	th.call = decode.Enter(nr, args, mem)
	th.start, th.stime = time.Now(), t.systemTime()
	th.unfinished = false
	if th.show {
		t.out.entered(th, th.call)
	}
}

// exit finishes th's syscall with the return value rval and returns the
// function that writes it (nil: nothing to write).
func (t *tracer) exit(th *thread, rval int64) func() {
	c := th.call
	if c == nil {
		c = t.resumedCall(th) // attached inside a call: only its exit is seen
		if c == nil {
			return nil
		}
	}
	th.call = nil
	if !th.show {
		return nil
	}
	d := time.Since(th.start)
	c.Exit(rval, th.mem)
	counted := d
	if t.rusage != nil {
		counted = max(t.systemTime()-th.stime, 0)
	}
	t.sum.add(c.Name, c.Errno() != 0, counted)
	return func() { t.out.syscall(th, c, d) }
}

// resumedCall makes up th's current call from its orig_rax when the exit
// is the first stop seen of it (after PTRACE_INTERRUPT of an attach).
func (t *tracer) resumedCall(th *thread) *decode.Call {
	var regs unix.PtraceRegs
	if th.hidden || unix.PtraceGetRegs(th.tid, &regs) != nil {
		return nil
	}
	nr := int(int64(regs.Orig_rax))
	if nr < 0 || (t.shown != nil && !t.shown[nr]) {
		return nil
	}
	th.call, th.show, th.unfinished = decode.Enter(nr, [6]uint64{}, nil), true, true
	th.start, th.stime = time.Now(), t.systemTime()
	return th.call
}

// eventStop handles a PTRACE_EVENT_* stop.
func (t *tracer) eventStop(th *thread, event int, sig unix.Signal) {
	switch event {
	case unix.PTRACE_EVENT_FORK, unix.PTRACE_EVENT_VFORK, unix.PTRACE_EVENT_CLONE:
		if msg, err := unix.PtraceGetEventMsg(th.tid); err == nil {
			t.created(int(msg))
		}
	case unix.PTRACE_EVENT_EXEC:
		th = t.execed(th)
	case unix.PTRACE_EVENT_SECCOMP:
		if info, err := getSyscallInfo(th.tid); err == nil && info.Op == infoSeccomp {
			t.enter(th, info.nr(), info.args())
		}
	case unix.PTRACE_EVENT_STOP:
		if t.groupStop(th, sig) {
			return
		}
	}
	t.cont(th, 0)
}

// created registers tid, reported by its creator's event, unless its own
// first stop (or even its exit) came first: wait4 reports the tracees in
// no particular order.
func (t *tracer) created(tid int) {
	if t.gone[tid] {
		delete(t.gone, tid)
		return
	}
	th := t.threads[tid]
	if th == nil {
		th = t.addThread(tid)
	}
	th.announced = true
}

// execed handles PTRACE_EVENT_EXEC, reported by the thread group leader's
// id. When another thread called execve, it has taken that id (ptrace(2)
// "execve(2) under ptrace"): its state moves to the leader's slot and the
// old leader's state is dropped, as strace's "superseded by execve".
func (t *tracer) execed(th *thread) *thread {
	th.hidden = false
	th.mem.Close() // the old /proc/PID/mem is the old address space
	msg, err := unix.PtraceGetEventMsg(th.tid)
	if err != nil || int(msg) == th.tid {
		return th
	}
	old := t.threads[int(msg)]
	if old == nil {
		return th
	}
	t.out.pendingDone(th)
	t.out.line(th, "+++ superseded by execve in pid "+itoa(old.tid)+" +++")
	delete(t.threads, old.tid)
	old.tid, old.mem, old.announced = th.tid, th.mem, true
	t.threads[th.tid] = old
	return old
}

// groupStop handles PTRACE_EVENT_STOP and reports whether it left th
// stopped. With SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU it is a group-stop,
// left with PTRACE_LISTEN so th stays stopped until SIGCONT (ptrace(2)
// "Group-stop"); with SIGTRAP it is a new tracee's first stop or
// PTRACE_INTERRUPT's.
func (t *tracer) groupStop(th *thread, sig unix.Signal) bool {
	switch sig {
	case unix.SIGSTOP, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU:
	default:
		return false
	}
	if th.hidden || (t.stopping && t.attached) {
		return false // the started child's own SIGSTOP: the tracer has sent SIGCONT
	}
	t.out.line(th, "--- stopped by "+signalName(sig)+" ---")
	listen(th.tid)
	return true
}

// signalStop handles a signal-delivery stop: print the signal and deliver
// it when th is restarted (step 6).
func (t *tracer) signalStop(th *thread, sig unix.Signal) {
	if th.hidden {
		t.cont(th, 0) // the tracer's own SIGCONT to the started child
		return
	}
	si, err := getSiginfo(th.tid)
	if err == nil && !t.opts.Summary {
		t.out.line(th, "--- "+signalName(sig)+" "+formatSiginfo(si)+" ---")
	}
	t.cont(th, int(sig))
}

// exited handles a thread's death: the call it was in never returns
// (exit_group, or killed), printed with "= ?" as strace does.
func (t *tracer) exited(th *thread, ws unix.WaitStatus) {
	if th.call != nil && th.show {
		t.out.syscall(th, th.call, time.Since(th.start))
	}
	if !th.hidden {
		msg := "+++ exited with " + itoa(ws.ExitStatus()) + " +++"
		if ws.Signaled() {
			msg = "+++ killed by " + signalName(ws.Signal())
			if ws.CoreDump() {
				msg += " (core dumped)"
			}
			msg += " +++"
		}
		t.out.line(th, msg)
	}
	if th.tid == t.leader {
		t.exitCode = ws.ExitStatus()
		if ws.Signaled() {
			t.exitCode = 128 + int(ws.Signal())
		}
	}
	t.out.pendingDone(th)
	t.removeThread(th)
	if !th.announced {
		t.gone[th.tid] = true // its creator's event is still to come
	}
}
