package trace

import (
	"time"

	"github.com/deepsys/deepsys/syscalls/decode"
	"golang.org/x/sys/unix"
)

// thread is the tracer's state of one tracee thread.
type thread struct {
	tid int
	mem *Memory
	// call is the syscall the thread is inside (entry seen, exit not);
	// show says it is printed and counted, start is when it entered.
	call  *decode.Call
	show  bool
	start time.Time
	stime time.Duration // system CPU time at entry (-c), from wait4's rusage
	// unfinished says call's entry was printed with <unfinished ...>,
	// and entryArgs is the argument text it was printed with.
	unfinished bool
	entryArgs  string
	// hidden is set for the started child until its execve: what the
	// re-executed tracer does before it is not the command's.
	hidden bool
	// announced says the tracer knows where th came from: its creator's
	// fork, vfork or clone event, or the start or attach that made it.
	announced bool
}

func (t *tracer) addThread(tid int) *thread {
	th := &thread{tid: tid, mem: &Memory{Pid: tid}}
	t.threads[tid] = th
	if t.stopping && !t.attached {
		unix.Kill(tid, unix.SIGKILL) // born while the trace is being ended
	}
	return th
}

func (t *tracer) removeThread(th *thread) {
	th.mem.Close()
	delete(t.threads, th.tid)
}

// systemTime is the system CPU time wait4 reported with the current stop
// (0 when -c does not want it).
func (t *tracer) systemTime() time.Duration {
	if t.rusage == nil {
		return 0
	}
	return time.Duration(t.rusage.Stime.Nano())
}

// stepping says how to restart th: PTRACE_SYSCALL to stop at its next
// syscall entry or exit, or PTRACE_CONT when the seccomp filter reports
// the entries and th is not inside a traced call (step 5).
func (t *tracer) stepping(th *thread) bool {
	return !t.seccomp || th.call != nil
}

// cont restarts th, delivering sig. ESRCH means th died meanwhile; its
// exit is reported by wait4, so it is not an error here.
func (t *tracer) cont(th *thread, sig int) {
	if t.stopping && t.attached {
		t.detach(th, sig)
		return
	}
	resume(th.tid, t.stepping(th), sig)
}
