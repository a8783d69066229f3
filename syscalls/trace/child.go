package trace

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// A Go process cannot run code between fork and exec, so the command is
// started the way strace starts it, with one more exec in front:
//
//  1. The tracer starts /proc/self/exe with childEnv set to the traced
//     syscall numbers ("" for all) and argv = childArg0, path, argv....
//  2. In the child, this package's init function sees childEnv, stays on
//     the main thread (init runs locked to it), and stops the whole process
//     with kill(getpid(), SIGSTOP).
//  3. The tracer waits for that stop (wait4 WUNTRACED), seizes the main
//     thread and sends SIGCONT (strace.c: startup_child does the same).
//  4. The child, now traced, installs the seccomp filter if -e trace= asked
//     for one (prctl(2) PR_SET_NO_NEW_PRIVS unless it may, then seccomp(2)
//     SECCOMP_SET_MODE_FILTER, this thread only), and execs the command.
//     execve(2) ends the other Go runtime threads; the filter stays.
//
// Everything the traced thread does before its execve is hidden from the
// output (strace also starts its output at execve).

// childEnv marks a re-exec of the tracer as the child of step 2.
const childEnv = "DEEPSYS_TRACE_CHILD"

// childArg0 is the child's argv[0], a second check that the re-exec is ours.
const childArg0 = "deepsys-trace-child"

func init() {
	if os.Getenv(kickEnv) == "1" && len(os.Args) == 1 && os.Args[0] == kickArg0 {
		os.Exit(0)
	}
	spec, ok := os.LookupEnv(childEnv)
	if !ok || len(os.Args) < 3 || os.Args[0] != childArg0 {
		return
	}
	err := runChild(spec, os.Args[1], os.Args[2:])
	fmt.Fprintf(os.Stderr, "deepsys trace: %v\n", err)
	os.Exit(127)
}

// runChild is steps 2 and 4; it returns only on failure.
func runChild(spec, path string, argv []string) error {
	runtime.LockOSThread()
	os.Unsetenv(childEnv)
	if err := unix.Kill(unix.Getpid(), unix.SIGSTOP); err != nil {
		return fmt.Errorf("stop for the tracer: %w", err)
	}
	if spec != "" {
		nrs, err := parseNumbers(spec)
		if err != nil {
			return err
		}
		prog, err := Filter(nrs)
		if err != nil {
			return err
		}
		if err := installFilter(prog); err != nil {
			return err
		}
	}
	if err := unix.Exec(path, argv, os.Environ()); err != nil {
		return fmt.Errorf("exec %s: %w", path, err)
	}
	return nil
}

func parseNumbers(spec string) ([]int, error) {
	var nrs []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: bad syscall number %q", childEnv, spec, f)
		}
		nrs = append(nrs, n)
	}
	return nrs, nil
}

func formatNumbers(nrs []int) string {
	s := make([]string, len(nrs))
	for i, n := range nrs {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// startChild is steps 1 and 3: it returns the pid of the seized, continued
// child. It must run on the tracer's locked thread. filter lists the
// syscalls to trap with seccomp (nil: no filter).
func startChild(argv, environ []string, filter []int, opts int, files []*os.File) (int, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 0, err
	}
	self, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("find /proc/self/exe: %w", err)
	}
	if environ == nil {
		environ = os.Environ()
	}
	env := append(environ[:len(environ):len(environ)], childEnv+"="+formatNumbers(filter))
	p, err := os.StartProcess(self, append([]string{childArg0, path}, argv...), &os.ProcAttr{
		Env: env, Files: files})
	if err != nil {
		return 0, fmt.Errorf("start %s: %w", path, err)
	}
	pid := p.Pid
	p.Release()
	return pid, seizeStopped(pid, opts)
}

// seizeStopped waits for the child's SIGSTOP, seizes it and continues it.
func seizeStopped(pid int, opts int) error {
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, unix.WUNTRACED, nil); err != nil {
		return fmt.Errorf("wait for child %d to stop: %w", pid, err)
	}
	if !ws.Stopped() {
		return fmt.Errorf("child %d did not stop for the tracer: %s", pid, describeStatus(ws))
	}
	if err := seize(pid, opts); err != nil {
		unix.Kill(pid, unix.SIGKILL)
		return err
	}
	return unix.Kill(pid, unix.SIGCONT)
}

// ptraceOptions are the PTRACE_O_* options for every tracee: syscall stops
// marked with 0x80 (TRACESYSGOOD), the tracees killed if the tracer dies
// (EXITKILL), exec reported, and with follow the new threads and processes
// seized as they are created.
func ptraceOptions(follow, seccomp bool) int {
	o := unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_EXITKILL | unix.PTRACE_O_TRACEEXEC
	if follow {
		o |= unix.PTRACE_O_TRACEFORK | unix.PTRACE_O_TRACEVFORK | unix.PTRACE_O_TRACECLONE
	}
	if seccomp {
		o |= unix.PTRACE_O_TRACESECCOMP
	}
	return o
}

func describeStatus(ws unix.WaitStatus) string {
	switch {
	case ws.Exited():
		return fmt.Sprintf("exited with %d", ws.ExitStatus())
	case ws.Signaled():
		return "killed by " + signalName(ws.Signal())
	}
	return fmt.Sprintf("status %#x", uint32(ws))
}

// start begins a trace of a new command (child.go), on the loop's thread.
func (t *tracer) start(argv []string) error {
	var filter []int
	if t.seccomp {
		filter = t.opts.Trace
		if len(filter) == 0 {
			filter = []int{-1} // trace nothing: a number no syscall has
		}
	}
	files := []*os.File{orFile(t.opts.Stdin, os.Stdin), orFile(t.opts.Stdout, os.Stdout), orFile(t.opts.Stderr, os.Stderr)}
	pid, err := startChild(argv, t.opts.Env, filter, ptraceOptions(t.opts.Follow, t.seccomp), files)
	if err != nil {
		return err
	}
	t.leader = pid
	th := t.addThread(pid)
	th.hidden, th.announced = true, true
	return nil
}

func orFile(f, def *os.File) *os.File {
	if f != nil {
		return f
	}
	return def
}
