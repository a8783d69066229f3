package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

	code, _, errs = runCLI(t, "syscalls", "trace", "-c", "--", "cat", "/etc/hostname")
	if code != 0 || !strings.Contains(errs, "% time     seconds  usecs/call     calls    errors syscall") || !strings.Contains(errs, " total\n") {
		t.Errorf("-c: exit %d:\n%s", code, errs)
	}
	for _, args := range [][]string{{}, {"-e", "trace=nosuch", "--", "true"}, {"-p", "1", "--", "true"}} {
		if code, _, _ := runCLI(t, append([]string{"syscalls", "trace"}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)", args, code)
		}
	}
}
