package main

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestSyscallsBenchQuick: `deepsys syscalls bench --quick` measures both
// workloads against strace and reports the filtered trace's goal.
func TestSyscallsBenchQuick(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "strace")
	code, out, errs := runCLI(t, "syscalls", "bench", "--quick")
	if code != 0 {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
	for _, want := range []string{"| full trace, 2000 syscalls | ns |", "| strace |", "-e trace=openat (seccomp)", "| goal | 60.00 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
