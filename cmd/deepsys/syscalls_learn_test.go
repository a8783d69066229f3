package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestSyscallsLearn: the policy learn writes from one run lets
// `seccomp run` run the same command, and refuses mkdir, which it never saw.
func TestSyscallsLearn(t *testing.T) {
	sh := testenv.RequireTool(t, "sh")
	policy := filepath.Join(t.TempDir(), "learned.json")
	script := "ls / >/dev/null; echo hi"
	code, _, stderr := runCLI(t, "syscalls", "learn", "-o", policy, "--", sh, "-c", script)
	if code != 0 || !strings.Contains(stderr, "syscalls observed") {
		t.Fatalf("learn: exit %d, %q", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "syscalls", "seccomp", "run", "--strict", policy, "--", sh, "-c", script); code != 0 || stdout != "hi\n" {
		t.Errorf("the learned command under its policy: exit %d, %q", code, stdout)
	}
	dir := t.TempDir()
	code, stdout, _ := runCLI(t, "syscalls", "seccomp", "run", policy, "--", sh, "-c", "mkdir "+dir+"/x 2>&1")
	if code == 0 || !strings.Contains(stdout, "Operation not permitted") {
		t.Errorf("mkdir under the learned policy: exit %d, %q", code, stdout)
	}
	if code, _, _ := runCLI(t, "syscalls", "learn"); code == 0 {
		t.Error("learn without a command succeeded")
	}
}

// TestSyscallsShowcase: the tour's rows for article 5 (trace, learn,
// enforce) all run.
func TestSyscallsShowcase(t *testing.T) {
	testenv.RequireTool(t, "sh")
	code, out, errs := runCLI(t, "syscalls", "showcase")
	if code != 0 || !strings.Contains(out, "syscalls of") || !strings.Contains(out, "refused (EPERM)") {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
}
