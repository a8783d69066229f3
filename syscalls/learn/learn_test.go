package learn

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/syscalls/seccomp"
)

// TestLearnedPolicyRunsTheProgram learns a shell pipeline with our tracer,
// writes the policy as JSON, reads it back, and has the kernel enforce it:
// the same command runs, a command doing what the run did not (mkdir) gets
// EPERM.
func TestLearnedPolicyRunsTheProgram(t *testing.T) {
	sh := testenv.RequireTool(t, "sh")
	script := "echo learned; cat /etc/hostname >/dev/null; ls / | wc -l >/dev/null"
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	res, err := Learn(context.Background(), []string{sh, "-c", script}, Options{Stdout: out, Stderr: out})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("learning run: exit %d, %v", res.ExitCode, err)
	}
	for _, want := range []string{"execve", "openat", "write", "clone", "wait4"} {
		if !slices.Contains(res.Observed, want) {
			t.Errorf("the run made no %s? observed %v", want, res.Observed)
		}
	}
	f := compileViaJSON(t, res.Policy)
	cmd, err := seccomp.Command(f, sh, "-c", script)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := cmd.CombinedOutput(); err != nil || string(b) != "learned\n" {
		t.Fatalf("under the learned policy (%d syscalls): %v\n%s", len(res.Policy.Syscalls[0].Names), err, b)
	}
	dir := filepath.Join(t.TempDir(), "x")
	cmd, err = seccomp.Command(f, sh, "-c", "mkdir "+dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cmd.CombinedOutput()
	if _, statErr := os.Stat(dir); err == nil || statErr == nil || !strings.Contains(string(b), "Operation not permitted") {
		t.Fatalf("mkdir under a policy that never saw it: %v, %q, dir: %v", err, b, statErr)
	}
}

// compileViaJSON writes p as the JSON a user would save and compiles what
// ParsePolicy reads back.
func compileViaJSON(t *testing.T, p *seccomp.Policy) *seccomp.Filter {
	t.Helper()
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	back, err := seccomp.ParsePolicy(b)
	if err != nil {
		t.Fatalf("the learned policy does not parse: %v\n%s", err, b)
	}
	f, err := seccomp.CompileWith(back, seccomp.Options{StrictNames: true})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAllowListAddsAlways(t *testing.T) {
	p := AllowList([]string{"write", "read", "write"})
	names := p.Syscalls[0].Names
	for _, n := range append([]string{"read", "write"}, Always...) {
		if !slices.Contains(names, n) {
			t.Errorf("%s missing from %v", n, names)
		}
	}
	if !slices.IsSorted(names) || len(names) != 2+len(Always) {
		t.Errorf("names %v: want sorted, each once", names)
	}
}
