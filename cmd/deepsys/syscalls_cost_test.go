package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestSyscallsCost runs `deepsys syscalls cost` with tiny loops: the table
// and its JSON come out with a positive figure in every row.
func TestSyscallsCost(t *testing.T) {
	testenv.RequireRoot(t)
	js := filepath.Join(t.TempDir(), "cost.json")
	code, out, errs := runCLI(t, "syscalls", "cost", "--iters", "1000", "--slow-iters", "100", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"raw syscall", "vDSO", "100-rule", "ptrace", "user-notify"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var tab struct {
		Rows []struct {
			Name      string  `json:"name"`
			NsPerCall float64 `json:"ns_per_call"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(b, &tab); err != nil || len(tab.Rows) < 8 {
		t.Fatalf("JSON %v, %d rows", err, len(tab.Rows))
	}
	for _, r := range tab.Rows {
		if r.NsPerCall <= 0 {
			t.Errorf("%s: %v ns", r.Name, r.NsPerCall)
		}
	}
}

func TestSyscallsCostUsage(t *testing.T) {
	for _, args := range [][]string{{"--runs", "3"}, {"--iters", "0"}, {"extra"}} {
		code, _, errs := runCLI(t, append([]string{"syscalls", "cost"}, args...)...)
		if code != 2 {
			t.Errorf("cost %v: exit %d (%s), want a usage error", args, code, errs)
		}
	}
}
