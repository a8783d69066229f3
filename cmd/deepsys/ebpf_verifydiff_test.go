package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestEBPFVerifyDiff: a few generated programs verified by us and Linux,
// all agreeing.
func TestEBPFVerifyDiff(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	code, out, errs := runCLI(t, "ebpf", "verify-diff", "--programs", "50", "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	if !regexp.MustCompile(`(?m)^50 programs: \d+ agree, 0 unsound, \d+ imprecise \(\d+\.\d\d% agree\)$`).MatchString(out) {
		t.Errorf("output:\n%s", out)
	}
	code, out, errs = runCLI(t, "ebpf", "verify-diff", "--seed", "7", "--index", "3", "--type", "tc")
	if code != 0 || !strings.Contains(out, "seed 7 program 3 (sched_cls):\n") || !strings.Contains(out, "\nlinux:   ") {
		t.Errorf("--index: exit %d: %s\n%s", code, errs, out)
	}
}

// TestEBPFVerifyDiffNeedsRoot: without root, a clear error.
func TestEBPFVerifyDiffNeedsRoot(t *testing.T) {
	defer func(f func() int) { geteuid = f }(geteuid)
	geteuid = func() int { return 1000 }
	code, _, errs := runCLI(t, "ebpf", "verify-diff", "--programs", "1")
	if code == 0 || !strings.Contains(errs, "needs root") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestEBPFVerifyDiffBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"ebpf", "verify-diff", "--type", "kprobe"},
		{"ebpf", "verify-diff", "--programs", "0"},
	} {
		if code, _, errs := runCLI(t, args...); code == 0 || !strings.HasPrefix(errs, "deepsys: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
