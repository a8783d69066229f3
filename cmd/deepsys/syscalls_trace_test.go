package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestSyscallsTrace runs `deepsys syscalls trace` on cat: strace's lines
// to -o FILE, JSON objects with --json, a -c table, and usage errors.
func TestSyscallsTrace(t *testing.T) {
	testenv.RequireRoot(t)
	out := filepath.Join(t.TempDir(), "trace.txt")
	code, _, errs := runCLI(t, "syscalls", "trace", "-f", "-T", "-o", out, "--", "cat", "/etc/hostname")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"execve(", "openat(", "exit_group(", "+++ exited with 0 +++", " <0.0"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("-o file lacks %q:\n%s", want, b)
		}
	}

	code, _, errs = runCLI(t, "syscalls", "trace", "--json", "-e", "trace=openat,close", "--", "cat", "/etc/hostname")
	if code != 0 {
		t.Fatalf("--json: exit %d: %s", code, errs)
	}
	for _, line := range strings.Split(strings.TrimSpace(errs), "\n") {
		var o struct {
			Pid  int
			Name string
			Ret  *int64
		}
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("--json line %q: %v", line, err)
		}
		if o.Name != "openat" && o.Name != "close" || o.Pid == 0 || o.Ret == nil {
			t.Errorf("--json -e trace=openat,close line %q", line)
		}
	}

	for _, c := range [][]string{{"-c"}, {"-c", "-w"}} {
		code, _, errs = runCLI(t, append(append([]string{"syscalls", "trace"}, c...), "--", "cat", "/etc/hostname")...)
		if code != 0 || !strings.Contains(errs, "% time     seconds  usecs/call     calls    errors syscall") || !strings.Contains(errs, " total\n") {
			t.Errorf("%v: exit %d:\n%s", c, code, errs)
		}
	}
	for _, args := range [][]string{{}, {"-e", "trace=nosuch", "--", "true"}, {"-p", "1", "--", "true"}} {
		if code, _, _ := runCLI(t, append([]string{"syscalls", "trace"}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)", args, code)
		}
	}
}

// lockedBuffer is a bytes.Buffer the tracer writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSyscallsTraceAttachSIGINT: `deepsys syscalls trace -p PID` prints a
// running shell's calls as they happen and on SIGINT detaches, exits 0 and
// leaves the shell running, untraced.
func TestSyscallsTraceAttachSIGINT(t *testing.T) {
	testenv.RequireRoot(t)
	sh := exec.Command("sh", "-c", "while :; do /bin/sleep 0.02; done")
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sh.Process.Kill(); sh.Wait() }()
	var out, errs lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run([]string{"syscalls", "trace", "-p", strconv.Itoa(sh.Process.Pid)}, &out, &errs) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errs.String(), "wait4(") {
		if time.Now().After(deadline) {
			t.Fatalf("no wait4 line in 10 s:\n%s", errs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(os.Getpid(), syscall.SIGINT) // the trace's signal.NotifyContext has it
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d:\n%s", c, errs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit 10 s after SIGINT")
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(sh.Process.Pid) + "/status")
	if err != nil || !strings.Contains(string(status), "TracerPid:\t0\n") {
		t.Errorf("after SIGINT the shell is still traced or gone (%v):\n%s", err, status)
	}
}
