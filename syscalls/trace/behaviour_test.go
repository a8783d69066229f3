package trace

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
)

// helperArgv is the test binary as a traced program (TestMain).
func helperArgv(t *testing.T, name string) []string {
	t.Setenv(helperEnv, name)
	return []string{os.Args[0], "-test.run=^$"}
}

// TestGoThreadsAgainstStrace traces a multi-threaded Go program. The Go
// runtime's own threads and calls (futex, nanosleep, sched_yield, mmap
// for stacks, how many threads it starts) depend on timing, so what is
// compared is what the program itself does: four sysinfo calls, each on
// a thread of its own, and one uname, under both tracers; and the first
// thread's calls up to its first clone (the runtime's start-up before any
// thread exists), call by call, less the memory mappings (untilClone).
func TestGoThreadsAgainstStrace(t *testing.T) {
	argv := helperArgv(t, "threads")
	ours, res := runOurs(t, Options{}, argv...)
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d\n%s", res.ExitCode, ours)
	}
	theirs := runStrace(t, nil, argv...)
	po, err := parseTrace(ours)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := parseTrace(theirs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*parsed{po, ps} {
		if n := threadsCalling(p, "sysinfo"); n != 4 {
			t.Errorf("%d threads call sysinfo, want 4", n)
		}
		if n := threadsCalling(p, "uname"); n != 1 {
			t.Errorf("%d threads call uname, want 1", n)
		}
	}
	if d := firstDifference(untilClone(po.threads["0"]), untilClone(ps.threads["0"])); d != "" {
		t.Errorf("first thread before its first clone: %s", d)
	}
}

func threadsCalling(p *parsed, name string) int {
	n := 0
	for _, evs := range p.threads {
		if countCalls(evs, name) == 1 {
			n++
		}
	}
	return n
}

func countCalls(evs []event, name string) int {
	n := 0
	for _, e := range evs {
		if e.name == name {
			n++
		}
	}
	return n
}

// untilClone is the calls before the first creator, without mmap, munmap
// and madvise: how many the runtime makes depends on whether its address
// hints collide with what ASLR placed (malloc.go: mallocinit's hints).
func untilClone(evs []event) []event {
	var out []event
	for _, e := range evs {
		if creators[e.name] {
			break
		}
		if e.name != "mmap" && e.name != "munmap" && e.name != "madvise" {
			out = append(out, e)
		}
	}
	return out
}

// TestManyThreads traces a program that starts 2,000 threads: every one
// is followed, and the trace ends when they have.
func TestManyThreads(t *testing.T) {
	start := time.Now()
	out, res := runOurs(t, Options{}, helperArgv(t, "spawn")...)
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d", res.ExitCode)
	}
	p, err := parseTrace(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.order) < 2000 {
		t.Errorf("%d threads traced, want at least 2000", len(p.order))
	}
	t.Logf("%d threads, %d lines, %v", len(p.order), strings.Count(out, "\n"), time.Since(start))
}

// TestExecFromThread: a thread that is not the leader execs; it takes the
// leader's id, the old leader is superseded, and the new program's calls
// are traced to its exit, as strace shows.
func TestExecFromThread(t *testing.T) {
	argv := helperArgv(t, "execself")
	out, res := runOurs(t, Options{}, argv...)
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d\n%s", res.ExitCode, out)
	}
	theirs := runStrace(t, nil, argv...)
	for _, text := range []string{out, theirs} {
		if !strings.Contains(text, "+++ superseded by execve in pid ") {
			t.Errorf("trace lacks the superseded leader:\n%s", tail(text, 20))
		}
	}
	if !strings.Contains(out, "+++ exited with 0 +++") { // strace -qq does not print it
		t.Errorf("trace lacks the exit:\n%s", tail(out, 20))
	}
	if got, want := lastCalls(out, 3), lastCalls(theirs, 3); got != want {
		t.Errorf("last calls: ours %s, strace %s", got, want)
	}
}

// lastCalls are the names of the trace's last n finished syscalls.
func lastCalls(text string, n int) string {
	var names []string
	for _, line := range strings.Split(text, "\n") {
		m := linePrefix.FindStringSubmatch(line)
		if name, _, ok := parseCall(m[3]); ok {
			names = append(names, name)
		}
	}
	if len(names) > n {
		names = names[len(names)-n:]
	}
	return strings.Join(names, ",")
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestKilledMidRun: a process with eight busy threads is SIGKILLed; the
// trace ends with the kill reported and the tracer unharmed.
func TestKilledMidRun(t *testing.T) {
	out, res := runOurs(t, Options{}, helperArgv(t, "selfkill")...)
	if res.ExitCode != 128+9 {
		t.Errorf("exit code %d, want 137", res.ExitCode)
	}
	if !strings.Contains(out, "+++ killed by SIGKILL +++") {
		t.Errorf("no kill reported:\n%s", tail(out, 20))
	}
}

// TestAttachAndDetach attaches to a running shell loop without -f, sees
// its calls, detaches on cancel, and leaves it running.
func TestAttachAndDetach(t *testing.T) {
	testenv.RequireRoot(t)
	cmd := exec.Command("sh", "-c", "while :; do /bin/sleep 0.02; done")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var b strings.Builder
	done := make(chan error, 1)
	go func() { _, err := Attach(ctx, cmd.Process.Pid, Options{Output: &b}); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Attach did not return 10 s after the cancel")
	}
	for _, want := range []string{"wait4(", "vfork("} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("trace lacks %q:\n%s", want, b.String())
		}
	}
	time.Sleep(50 * time.Millisecond)
	st := procStatus(t, cmd.Process.Pid)
	if strings.Contains(st["State"], "stopped") || st["TracerPid"] != "0" {
		t.Errorf("after detach the shell is %q with TracerPid %s, want running and untraced", st["State"], st["TracerPid"])
	}
}

// procStatus is /proc/PID/status as key -> value.
func procStatus(t *testing.T, pid int) map[string]string {
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// TestGroupStop: a shell stops itself with SIGSTOP and a child of it
// sends SIGCONT. The tracer shows the signal and the group-stop as strace
// does, leaves the stop with PTRACE_LISTEN (the shell stays stopped until
// SIGCONT) and the program finishes.
func TestGroupStop(t *testing.T) {
	argv := []string{"sh", "-c", "(sleep 0.2; kill -CONT $$) & kill -STOP $$; echo resumed"}
	start := time.Now()
	out, res := runOurs(t, Options{}, argv...)
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d\n%s", res.ExitCode, out)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("finished in %v: the stop did not hold until SIGCONT", d)
	}
	theirs := runStrace(t, nil, argv...)
	for _, want := range []string{"--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=", "--- stopped by SIGSTOP ---", "--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid="} {
		for who, text := range map[string]string{"ours": out, "strace": theirs} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", who, want, text)
			}
		}
	}
}

// TestBadInput: a command that does not exist, a process that does not,
// and an empty command give errors, promptly.
func TestBadInput(t *testing.T) {
	testenv.RequireRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var b strings.Builder
	if _, err := Run(ctx, []string{"/nonexistent/deepsys-cmd"}, Options{Output: &b}); err == nil || !strings.Contains(err.Error(), "/nonexistent/deepsys-cmd") {
		t.Errorf("missing command: %v", err)
	}
	if _, err := Run(ctx, nil, Options{Output: &b}); err == nil {
		t.Error("empty command: no error")
	}
	if _, err := Attach(ctx, 1<<30, Options{Output: &b}); err == nil || !strings.Contains(err.Error(), "1073741824") {
		t.Errorf("missing process: %v", err)
	}
}

// TestManyProcesses: a shell starts 300 processes at once and waits, and
// another leaves an orphan behind; every process is followed and the trace
// ends when the last one (the orphan) has exited, as strace's does.
func TestManyProcesses(t *testing.T) {
	out, res := runOurs(t, Options{}, "sh", "-c", "i=0; while [ $i -lt 300 ]; do /bin/true & i=$((i+1)); done; wait")
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d", res.ExitCode)
	}
	if n := strings.Count(out, "execve(") - 1; n != 300 {
		t.Errorf("%d children exec'd, want 300", n)
	}
	start := time.Now()
	out, res = runOurs(t, Options{}, "sh", "-c", "sleep 0.3 & exit 4")
	if d := time.Since(start); res.ExitCode != 4 || d < 300*time.Millisecond {
		t.Errorf("orphan: exit code %d after %v, want 4 after the orphan's 0.3 s", res.ExitCode, d)
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "+++ exited with 0 +++") {
		t.Errorf("the orphan's exit is not last:\n%s", tail(out, 5))
	}
}

// TestFaultSignal: a segmentation fault's line (si_code and si_addr) is
// the same as strace's.
func TestFaultSignal(t *testing.T) {
	argv := helperArgv(t, "segv")
	ours, _ := runOurs(t, Options{}, argv...)
	theirs := runStrace(t, nil, argv...)
	want := "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---"
	for who, text := range map[string]string{"ours": ours, "strace": theirs} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", who, want, tail(text, 30))
		}
	}
}

// TestCancelKillsStarted: cancelling the context of a trace whose command
// forks without end kills the command and every process it made, and Run
// returns at once.
func TestCancelKillsStarted(t *testing.T) {
	testenv.RequireRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var b strings.Builder
	start := time.Now()
	res, err := Run(ctx, []string{"sh", "-c", "while :; do /bin/true; done"}, Options{Follow: true, Output: &b})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run returned %v after the cancel", d)
	}
	if res.ExitCode != 128+9 {
		t.Errorf("exit code %d, want 137", res.ExitCode)
	}
	if !strings.Contains(b.String(), "execve(") || !strings.Contains(b.String(), "+++ killed by SIGKILL +++") {
		t.Errorf("trace lacks the children or the kill:\n%s", tail(b.String(), 10))
	}
}

// TestAttachToSleep attaches to `sleep 0.6` in its nanosleep, detaches
// after 0.2 s, and the sleep still ends normally (exit 0) at its time: the
// interrupted call was restarted, not failed or cut short.
func TestAttachToSleep(t *testing.T) {
	testenv.RequireRoot(t)
	cmd := exec.Command("sleep", "0.6")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var b strings.Builder
	if _, err := Attach(ctx, cmd.Process.Pid, Options{Output: &b}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sleep after the detach: %v\n%s", err, b.String())
	}
	if d := time.Since(start); d < 600*time.Millisecond {
		t.Errorf("sleep 0.6 ended after %v", d)
	}
	if !strings.Contains(b.String(), "restart_syscall(") {
		t.Errorf("no restart_syscall in the trace:\n%s", b.String())
	}
}
