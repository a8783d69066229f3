// Package trace is a strace-class system call tracer built on ptrace(2):
// it runs a command (or attaches to a process) and prints every system call
// its threads make, decoded by syscalls/decode, in strace's notation, or
// a JSON object per call, or strace -c's summary table.
//
// The mechanism, in the order a trace goes through it:
//
//  1. Start (child.go). The command is started stopped, strace's way: the
//     child stops itself with SIGSTOP, the tracer seizes it
//     (PTRACE_SEIZE, Linux 3.4) and continues it; it then execs the
//     command. A Go child cannot run code between fork and exec, so the
//     child is this binary re-executed with a marker, caught by this
//     package's init function. Attach (attach.go) seizes every thread of
//     /proc/PID/task and interrupts each (PTRACE_INTERRUPT) to start it.
//  2. Options (child.go: ptraceOptions). TRACESYSGOOD marks syscall stops
//     with SIGTRAP|0x80; EXITKILL kills the tracees if the tracer dies;
//     TRACEFORK, TRACEVFORK and TRACECLONE (with -f) seize new processes
//     and threads before they run; TRACEEXEC reports exec, and
//     TRACESECCOMP the stops the -e filter asks for.
//  3. The loop (loop.go). One locked OS thread (ptrace requests must come
//     from the thread that attached) waits with wait4(-1, __WALL) and
//     sorts each stop (ptrace(2) "Stopped states"): a syscall stop, a
//     ptrace event (fork, clone, exec, seccomp, group-stop), a signal
//     delivery, or an exit. Each stopped thread is restarted with
//     PTRACE_SYSCALL (stop at the next syscall entry or exit) or
//     PTRACE_CONT (run to the next event). SIGCHLD's action gets
//     SA_NOCLDSTOP meanwhile (sigchld.go), so that the stops do not also
//     signal the tracer.
//  4. Syscalls (events.go). PTRACE_GET_SYSCALL_INFO (Linux 5.3) says
//     whether a stop is an entry, an exit or a seccomp stop and gives the
//     number, arguments or return value; decode.Enter reads the in-
//     arguments at entry and Call.Exit the out-arguments at exit, through
//     Memory (memory.go: process_vm_readv, else /proc/PID/mem).
//  5. Filtering (filter.go). With -e trace=SET and a command to start,
//     the child installs a seccomp filter before it execs that returns
//     SECCOMP_RET_TRACE for the traced syscalls only; the tracer then
//     restarts with PTRACE_CONT, stops only at PTRACE_EVENT_SECCOMP, and
//     steps to that call's exit with PTRACE_SYSCALL: untraced syscalls run
//     at full speed (as `strace --seccomp-bpf`).
//  6. Threads and exec (events.go). Each thread has its own state; a
//     thread that execs while it is not the leader takes the leader's
//     thread id (ptrace(2) "execve(2) under ptrace"), which
//     PTRACE_GETEVENTMSG at PTRACE_EVENT_EXEC reveals. Group-stops are
//     left with PTRACE_LISTEN, signals are re-injected when the thread is
//     restarted, and a thread that vanishes (SIGKILL, exit_group of
//     another thread) makes its requests fail with ESRCH, which is
//     expected, not an error.
//  7. Output (output.go, summary.go). Lines as strace prints them, with
//     "<unfinished ...>" and "<... name resumed>" when threads interleave,
//     or one JSON object a syscall, or with -c the table of strace -c.
//  8. Stop (loop.go). When the context ends the tracer detaches from an
//     attached process (PTRACE_INTERRUPT each thread, PTRACE_DETACH at its
//     stop) or kills a started one; a child process started for the
//     purpose wakes the loop from wait4.
package trace

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Options configure a trace; the zero value traces every syscall of the
// first thread only and prints strace's lines to os.Stderr.
type Options struct {
	Follow  bool // -f: trace new threads and processes
	Summary bool // -c: print only the summary table at the end
	// SummaryWall counts wall time in the -c table (strace -w) instead of
	// system CPU time (strace's default).
	SummaryWall bool
	Timing      bool      // -T: append the time spent in each call
	JSON        bool      // --json: one JSON object a syscall
	Output      io.Writer // where lines go (default os.Stderr)
	// ToFile prints strace -o's "PID  " prefix instead of "[pid N] ".
	ToFile bool
	// LineBuffered flushes after each line (stderr, as strace writes it).
	LineBuffered bool
	// Trace lists the syscall numbers to show (ParseSet); nil: all.
	Trace []int
	// NoSeccomp filters Trace in the tracer instead of the kernel.
	NoSeccomp bool
	// Stdin, Stdout and Stderr are the started command's (nil: the
	// tracer's own).
	Stdin, Stdout, Stderr *os.File
	// Env is the started command's environment (nil: the tracer's).
	Env []string
}

// Result is how a trace ended.
type Result struct {
	// ExitCode is the first process's exit status, or 128+signal.
	ExitCode int
	// Summary counts every traced syscall that returned.
	Summary *Summary
}

// Run starts argv under the tracer and traces it until every tracee has
// exited; when ctx ends it kills them.
func Run(ctx context.Context, argv []string, o Options) (Result, error) {
	if len(argv) == 0 {
		return Result{}, errors.New("trace: no command")
	}
	t := newTracer(o)
	t.seccomp = o.Trace != nil && o.Follow && !o.NoSeccomp
	return t.run(ctx, func() error { return t.start(argv) })
}

// Attach traces the running process pid (all its threads) until it exits
// or ctx ends, and then detaches, leaving it running.
func Attach(ctx context.Context, pid int, o Options) (Result, error) {
	t := newTracer(o)
	t.attached = true
	return t.run(ctx, func() error { return t.attach(pid) })
}

func newTracer(o Options) *tracer {
	if o.Output == nil {
		o.Output = os.Stderr
	}
	t := &tracer{opts: o, threads: map[int]*thread{}, gone: map[int]bool{}, sum: newSummary()}
	if o.Trace != nil {
		t.shown = map[int]bool{}
		for _, nr := range o.Trace {
			t.shown[nr] = true
		}
	}
	if o.Summary && !o.SummaryWall {
		t.rusage = new(unix.Rusage)
	}
	t.out = newPrinter(t)
	return t
}
