package cost

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// The two ptrace rows run the getppid child under this minimal tracer:
//
//   - "syscall": PTRACE_SYSCALL stops the thread at every syscall entry and
//     exit (two stops a getppid), as strace without --seccomp-bpf;
//   - "seccomp": a filter returns SECCOMP_RET_TRACE for getppid only and the
//     tracer resumes with PTRACE_CONT, so getppid makes one
//     PTRACE_EVENT_SECCOMP stop and nothing else stops (strace
//     --seccomp-bpf; ptrace(2) PTRACE_O_TRACESECCOMP).
//
// The child asks to be traced (PTRACE_TRACEME in the fork, SysProcAttr.Ptrace)
// and stops with SIGTRAP at exec. ptrace requests must come from the
// tracer thread, so the goroutine locks its thread before forking.

type traceMode int

const (
	traceSyscall traceMode = iota
	traceSeccomp
)

// traced runs the child with env under the tracer and returns its stdout.
func traced(mode traceMode, env []string) (string, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"deepsys-cost-child"}, &syscall.ProcAttr{
		Env: env, Files: []uintptr{0, w.Fd(), 2}, Sys: &syscall.SysProcAttr{Ptrace: true, Pdeathsig: syscall.SIGKILL},
	})
	w.Close()
	if err != nil {
		return "", fmt.Errorf("cost: starting the traced child: %w", err)
	}
	out := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(r); out <- b }()
	if err := trace(pid, mode); err != nil {
		unix.Kill(pid, unix.SIGKILL)
		unix.Wait4(pid, nil, 0, nil)
		return "", err
	}
	return string(<-out), nil
}

// trace drives the child from its exec stop to its exit.
func trace(pid int, mode traceMode) error {
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil || !ws.Stopped() {
		return fmt.Errorf("cost: traced child %d did not stop at exec: %v (status %#x)", pid, err, ws)
	}
	opts := unix.PTRACE_O_EXITKILL | unix.PTRACE_O_TRACESYSGOOD
	resume := unix.PtraceSyscall
	if mode == traceSeccomp {
		opts |= unix.PTRACE_O_TRACESECCOMP
		resume = unix.PtraceCont
	}
	if err := unix.PtraceSetOptions(pid, opts); err != nil {
		return fmt.Errorf("cost: PTRACE_SETOPTIONS: %w", err)
	}
	sig := 0
	for {
		if err := resume(pid, sig); err != nil {
			return fmt.Errorf("cost: ptrace restart: %w", err)
		}
		if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil {
			return fmt.Errorf("cost: wait4(%d): %w", pid, err)
		}
		switch {
		case ws.Exited() && ws.ExitStatus() == 0:
			return nil
		case ws.Exited() || ws.Signaled():
			return fmt.Errorf("cost: traced child exited with %#x", ws)
		}
		sig = stopSignal(ws)
	}
}

// stopSignal is the signal to deliver on resuming: none for syscall and
// event stops (SIGTRAP|0x80, SIGTRAP with an event), the signal for a
// signal-delivery stop (the Go runtime's own SIGURG, for instance).
func stopSignal(ws unix.WaitStatus) int {
	if s := ws.StopSignal(); s != unix.SIGTRAP|0x80 && s != unix.SIGTRAP {
		return int(s)
	}
	return 0
}
