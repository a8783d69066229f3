package main

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestSyscallsBenchQuick: `deepsys syscalls bench --quick` measures the
// tracer against strace and our compiled policy against libseccomp's, and
// reports the goals.
func TestSyscallsBenchQuick(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "strace")
	code, out, errs := runCLI(t, "syscalls", "bench", "--quick")
	if code != 0 {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
	for _, want := range []string{"| full trace, 2000 syscalls | ns |", "| strace |", "-e trace=openat (seccomp)", "| goal | 60.00 |",
		"| libseccomp (default chain) |", "| libseccomp (binary tree) |", "| goal | 25.00 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
