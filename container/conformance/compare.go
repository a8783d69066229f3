package conformance

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Runtime is one runtime under test: a name for the table and the program
// the suite runs as RUNTIME.
type Runtime struct {
	Name    string
	Command string
}

// Row is one test file run against the reference runtime and ours.
type Row struct {
	Ref, Ours FileResult
}

// Regressed reports a file the reference passes and ours does not.
func (r Row) Regressed() bool { return r.Ref.Passed() && !r.Ours.Passed() }

// Compare runs every test file of the suite against ref and ours. The
// programs that set linux.cgroupsPath use fixed cgroup paths, so they run
// one at a time, ref then ours, in a lane of their own; beside that lane the
// other files run one after the other with ref and ours at once. So at
// most three programs run together, most of them waiting in the suite's
// polls. Each program is limited to timeout. after, if not nil, runs
// after each program (e.g. to remove containers a failed program left
// behind); it may be called from two goroutines at once.
func (s *Suite) Compare(ctx context.Context, ref, ours Runtime, timeout time.Duration, after func(Runtime)) []Row {
	rows := make([]Row, len(s.Files))
	run := func(i int, rt Runtime, res *FileResult) {
		*res = s.RunFile(ctx, s.Files[i], rt.Command, timeout)
		if after != nil {
			after(rt)
		}
	}
	var lanes sync.WaitGroup
	lanes.Go(func() {
		for i, name := range s.Files {
			if usesCgroupsPath(name) {
				run(i, ref, &rows[i].Ref)
				run(i, ours, &rows[i].Ours)
			}
		}
	})
	for i, name := range s.Files {
		if !usesCgroupsPath(name) {
			var pair sync.WaitGroup
			pair.Go(func() { run(i, ref, &rows[i].Ref) })
			run(i, ours, &rows[i].Ours)
			pair.Wait()
		}
	}
	lanes.Wait()
	return rows
}

// usesCgroupsPath reports the test files whose configs name a fixed
// linux.cgroupsPath ("/cgrouptest/..." or "cgrouptest/...", in
// validation/util/linux_resources_*.go and the delete_*resources programs).
func usesCgroupsPath(name string) bool {
	return strings.HasPrefix(name, "linux_cgroups_") || strings.HasPrefix(name, "delete_") && strings.HasSuffix(name, "resources")
}

// Totals are a runtime's counts over the suite.
type Totals struct {
	Passed, Files   int
	Ok, NotOk, Skip int
	Took            time.Duration
}

// add counts one file.
func (t *Totals) add(r FileResult) {
	t.Files++
	if r.Passed() {
		t.Passed++
	}
	t.Ok += r.TAP.Ok
	t.NotOk += r.TAP.NotOk
	t.Skip += r.TAP.Skip
	t.Took += r.Took
}

// Sum totals the rows for the reference and for ours.
func Sum(rows []Row) (ref, ours Totals) {
	for _, r := range rows {
		ref.add(r.Ref)
		ours.add(r.Ours)
	}
	return ref, ours
}

// WriteTable prints one line per test file (pass/FAIL and ok / not ok /
// skip for each runtime, then why ours failed) and the totals.
func WriteTable(w io.Writer, ref, ours Runtime, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintf(tw, "file\t%s\tok/notok/skip\ts\t%s\tok/notok/skip\ts\twhy %s failed\n", ref.Name, ours.Name, ours.Name)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%s\t%.1f\t%s\n", r.Ref.Name, verdict(r.Ref), counts(r.Ref), r.Ref.Took.Seconds(),
			verdict(r.Ours), counts(r.Ours), r.Ours.Took.Seconds(), clip(r.Ours.Why(), 120))
	}
	rt, ot := Sum(rows)
	fmt.Fprintf(tw, "TOTAL\t%d/%d\t%d/%d/%d\t%.0f\t%d/%d\t%d/%d/%d\t%.0f\t\n", rt.Passed, rt.Files, rt.Ok, rt.NotOk, rt.Skip, rt.Took.Seconds(),
		ot.Passed, ot.Files, ot.Ok, ot.NotOk, ot.Skip, ot.Took.Seconds())
	return tw.Flush()
}

func verdict(r FileResult) string {
	if r.Passed() {
		return "pass"
	}
	return "FAIL"
}

func counts(r FileResult) string {
	return fmt.Sprintf("%d/%d/%d", r.TAP.Ok, r.TAP.NotOk, r.TAP.Skip)
}

// clip shortens s to n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
