package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestContainerBenchQuick: `deepsys container bench --quick` runs our
// standalone runtime, runc and crun on one busybox bundle and reports the
// four workloads for each (no timing is asserted).
func TestContainerBenchQuick(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "runc")
	testenv.RequireTool(t, "crun")
	testenv.RequireTool(t, "busybox")
	t.Setenv(envRuntime, buildRuntime(t))
	code, out, errs := runCLI(t, "container", "bench", "--quick")
	if code != 0 {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
	for _, w := range []string{"run true", "create+start+wait+delete", "run true: peak RSS of the runtime",
		"memory charged before the process starts"} {
		for _, peer := range []string{"runc", "crun"} {
			if !hasRow(out, w, peer) {
				t.Errorf("output lacks %q against %s:\n%s", w, peer, out)
			}
		}
	}
	if !strings.Contains(out, "| goal | 6.00 |") || !strings.Contains(out, "| goal | 1.00 |") {
		t.Errorf("output lacks the RSS and charged-memory goals:\n%s", out)
	}
}

// TestContainerBenchMissingRuntime: a runtime binary that is not there is
// refused with its name before anything is made.
func TestContainerBenchMissingRuntime(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "deepsys-runc")
	t.Setenv(envRuntime, missing)
	code, _, errs := runCLI(t, "container", "bench", "--quick")
	if code == 0 || !strings.Contains(errs, missing) || !strings.Contains(errs, "not an executable") {
		t.Fatalf("exit %d, stderr %q: want an error naming %s", code, errs, missing)
	}
}

// buildRuntime builds cmd/deepsys-runc as make build does: static and
// stripped.
func buildRuntime(t *testing.T) string {
	t.Helper()
	gotool := testenv.RequireTool(t, "go")
	bin := filepath.Join(t.TempDir(), "deepsys-runc")
	cmd := exec.Command(gotool, "build", "-ldflags=-s -w", "-o", bin, "github.com/deepsys/deepsys/cmd/deepsys-runc")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build cmd/deepsys-runc: %v", err)
	}
	return bin
}

// hasRow says whether the markdown table has a row of workload against
// peer.
func hasRow(table, workload, peer string) bool {
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| "+workload+" | ") && strings.Contains(line, " | "+peer+" | ") {
			return true
		}
	}
	return false
}
