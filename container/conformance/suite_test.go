package conformance

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
)

// knownGaps are test files that runc passes here and deepsys-runc does
// not yet, each with the reason. The test fails if one of them starts
// passing (take it off the list) as it fails for any other file runc
// passes.
var knownGaps = map[string]string{
	// Empty since linux_ns_itype (no mount namespace: chroot in the
	// caller's namespace, nomntns.go) and linux_ns_path (a joined mount
	// namespace) pass. An entry is "file": "reason".
}

// TestRuntimeTools runs every runtime-tools validation program against
// Debian's runc and against deepsys-runc, logs the table, and fails for
// each test file that runc passes and ours does not.
func TestRuntimeTools(t *testing.T) {
	if testing.Short() {
		t.Skip("the runtime-tools suite takes minutes; not in -short")
	}
	testenv.RequireRoot(t)
	runcPath := testenv.RequireTool(t, "runc")
	testenv.RequireTool(t, "go")
	testenv.RequireTool(t, "tar")
	testenv.RequireCgroups(t)
	ctx := context.Background()
	suite, err := Build(ctx, "", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ref, err := NewRuntime(dir, "runc", runcPath)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := NewRuntime(dir, "deepsys", buildOurs(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // guards left: Compare runs the two runtimes at once
	left := map[string]int{}
	start := time.Now()
	rows := suite.Compare(ctx, ref, ours, timeout, func(rt Runtime) {
		n := len(rt.Sweep(ctx))
		mu.Lock()
		left[rt.Name] += n
		mu.Unlock()
	})
	recheck(t, suite, ref, ours, rows)
	var table strings.Builder
	WriteTable(&table, ref, ours, rows)
	t.Logf("runtime-tools %s, %d test files in %v (files that failed on one side were run again alone; the table has that run):\n%s",
		Version, len(rows), time.Since(start).Round(time.Second), table.String())
	check(t, rows)
	mounts := map[string]int{}
	for _, r := range rows {
		mounts[ref.Name] += r.Ref.LeakedMounts
		mounts[ours.Name] += r.Ours.LeakedMounts
	}
	t.Logf("left behind and cleaned up: containers %v, mounts in the caller's namespace %v", left, mounts)
	if mounts[ours.Name] > 0 {
		t.Errorf("deepsys-runc left %d mounts in the caller's mount namespace", mounts[ours.Name])
	}
}

// timeout bounds each program: the longest take about 20 s alone.
const timeout = 60 * time.Second

// aloneTries is how many times recheck runs a file alone before it counts
// as failed. killsig races its own shell: it sends SIGTERM as soon as
// `state` says running, and a shell that has not yet set its trap (pid 1
// ignores the signal then) never exits; a runtime whose state and kill
// answer quickly loses that race now and then (1 in 8 alone, here).
const aloneTries = 3

// recheck runs again, alone, each file that one runtime passed and the
// other did not, for the one that failed, up to aloneTries times, and keeps
// the last run: the suite's programs poll with fixed waits (e.g. 5 s for a
// status), which a loaded machine can miss, and two programs at once load
// it. The log says which files were run again, with the first run's error.
func recheck(t *testing.T, suite *Suite, ref, ours Runtime, rows []Row) {
	t.Helper()
	for i, r := range rows {
		if r.Ref.Passed() == r.Ours.Passed() {
			continue
		}
		rt, res := ours, &rows[i].Ours
		if !r.Ref.Passed() {
			rt, res = ref, &rows[i].Ref
		}
		var again FileResult
		tries := 0
		for tries < aloneTries && (tries == 0 || !again.Passed()) {
			again = suite.RunFile(context.Background(), res.Name, rt.Command, timeout)
			rt.Sweep(context.Background())
			tries++
		}
		t.Logf("%s on %s: failed (%s; stderr %q), run again alone: %s", res.Name, rt.Name, res.Why(), tail(res.Stderr, 300),
			map[bool]string{true: fmt.Sprintf("passed (try %d)", tries), false: fmt.Sprintf("failed %d times: %s", tries, again.Why())}[again.Passed()])
		*res = again
	}
}

// check fails for each file runc passes and ours does not (unless it is a
// known gap) and for each known gap that passes now.
func check(t *testing.T, rows []Row) {
	t.Helper()
	for _, r := range rows {
		gap, known := knownGaps[r.Ours.Name]
		switch {
		case r.Regressed() && known:
			t.Logf("%s: known gap (%s): %s", r.Ours.Name, gap, r.Ours.Why())
		case r.Regressed():
			t.Errorf("%s: runc passes, deepsys does not: %s\nstderr: %s", r.Ours.Name, r.Ours.Why(), tail(r.Ours.Stderr, 1024))
		case known:
			t.Errorf("%s is listed in knownGaps (%s) but no longer fails as listed (runc %s, deepsys %s): update the list",
				r.Ours.Name, gap, verdict(r.Ref), verdict(r.Ours))
		}
	}
}

// buildOurs builds cmd/deepsys-runc into dir.
func buildOurs(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "deepsys-runc")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/deepsys/deepsys/cmd/deepsys-runc")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build deepsys-runc: %v\n%s", err, out)
	}
	return bin
}
