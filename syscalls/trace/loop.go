package trace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// tracer is one trace. Every field belongs to the goroutine running the
// loop, which is locked to the OS thread that seized the tracees.
type tracer struct {
	opts     Options
	seccomp  bool         // the kernel filters (filter.go); else all syscalls stop
	shown    map[int]bool // -e trace=SET; nil: every syscall
	attached bool         // Attach: detach at the end instead of killing
	threads  map[int]*thread
	// gone are tracees that exited before their creator's fork, vfork or
	// clone event was seen: the event must not bring them back.
	gone     map[int]bool
	leader   int // the first process: its exit status is the result
	exitCode int
	stopping bool // the context ended: detaching or killing
	// rusage is filled by wait4 for -c's system time (nil: not wanted);
	// it is the stopped tracee's, as strace's count.c reads it.
	rusage *unix.Rusage
	out    *printer
	sum    *Summary
}

// run runs begin (start or attach) and the loop on a locked OS thread.
func (t *tracer) run(ctx context.Context, begin func() error) (Result, error) {
	defer quietStops()()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		if err := begin(); err != nil {
			done <- err
			return
		}
		done <- t.loop(ctx)
	}()
	stopKick := kickOnDone(ctx)
	err := <-done
	stopKick()
	if ferr := t.out.finish(); err == nil {
		err = ferr
	}
	return Result{ExitCode: t.exitCode, Summary: t.sum}, err
}

// loop waits for stops until no tracee is left (step 3).
func (t *tracer) loop(ctx context.Context) error {
	for len(t.threads) > 0 {
		if ctx.Err() != nil && !t.stopping {
			t.stop()
		}
		var ws unix.WaitStatus
		tid, err := unix.Wait4(-1, &ws, unix.WALL, t.rusage)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.ECHILD):
			return nil // every tracee is gone, some without a report (reaped by exec)
		case err != nil:
			return fmt.Errorf("wait4: %w", err)
		}
		t.handle(tid, ws)
	}
	return nil
}

// handle sorts one wait status (ptrace(2) "Stopped states").
func (t *tracer) handle(tid int, ws unix.WaitStatus) {
	th := t.threads[tid]
	if th == nil {
		if !ws.Stopped() {
			return // a child that is not a tracee: the kick process
		}
		th = t.addThread(tid) // a new tracee whose creator's event comes later
	}
	switch {
	case ws.Exited() || ws.Signaled():
		t.exited(th, ws)
	case !ws.Stopped():
		return
	case ws.StopSignal() == unix.SIGTRAP|0x80:
		t.syscallStop(th)
	case int(ws>>16) != 0:
		t.eventStop(th, int(ws>>16)&0xff, ws.StopSignal())
	default:
		t.signalStop(th, ws.StopSignal())
	}
}

// stop is step 8: detach from an attached process, kill a started one.
func (t *tracer) stop() {
	t.stopping = true
	for tid := range t.threads {
		if t.attached {
			ptrace(unix.PTRACE_INTERRUPT, tid, 0, 0)
		} else {
			unix.Kill(tid, unix.SIGKILL)
		}
	}
}

// detach lets a stopped thread go (PTRACE_DETACH), delivering sig.
func (t *tracer) detach(th *thread, sig int) {
	ptrace(unix.PTRACE_DETACH, th.tid, 0, uintptr(sig))
	t.out.pendingDone(th)
	t.removeThread(th)
}

// kickOnDone wakes the loop from wait4 when ctx ends: it starts a child
// that exits at once (this binary with kickEnv), whose exit ends wait4's
// sleep; wait4 is restarted after signals (SA_RESTART), so a child's exit
// is the one wake-up it cannot sleep through. The returned function, called
// after the loop, stops the watcher and reaps the child if the loop has
// not.
func kickOnDone(ctx context.Context) func() {
	quit := make(chan struct{})
	pid := make(chan int, 1)
	go func() {
		select {
		case <-ctx.Done():
			pid <- kick()
		case <-quit:
			pid <- 0
		}
	}()
	return func() {
		close(quit)
		if p := <-pid; p > 0 {
			var ws unix.WaitStatus
			unix.Wait4(p, &ws, 0, nil) // ECHILD if the loop reaped it
		}
	}
}

// kickEnv marks a re-exec of this binary that only exits.
const (
	kickEnv  = "DEEPSYS_TRACE_KICK"
	kickArg0 = "deepsys-trace-kick"
)

// kick starts the wake-up child and returns its pid (0 if it could not).
func kick() int {
	self, err := os.Executable()
	if err != nil {
		return 0
	}
	p, err := os.StartProcess(self, []string{kickArg0}, &os.ProcAttr{Env: []string{kickEnv + "=1"}})
	if err != nil {
		return 0
	}
	pid := p.Pid
	p.Release() // the loop's wait4(-1), or the stop function, reaps it
	return pid
}
