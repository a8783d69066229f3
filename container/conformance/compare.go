package conformance

import (
	"context"
	"fmt"
	"io"
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

// Compare runs every test file of the suite against ref and then ours
// (one after the other: the cgroup programs share fixed cgroup paths),
// each program limited to timeout. after, if not nil, runs after each
// program (e.g. to remove containers a failed program left behind).
func (s *Suite) Compare(ctx context.Context, ref, ours Runtime, timeout time.Duration, after func(Runtime)) []Row {
	rows := make([]Row, 0, len(s.Files))
	for _, name := range s.Files {
		var row Row
		for _, side := range []struct {
			rt  Runtime
			res *FileResult
		}{{ref, &row.Ref}, {ours, &row.Ours}} {
			*side.res = s.RunFile(ctx, name, side.rt.Command, timeout)
			if after != nil {
				after(side.rt)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// Totals are a runtime's counts over the suite.
type Totals struct {
	Passed, Files   int
	Ok, NotOk, Skip int
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
	fmt.Fprintf(tw, "file\t%s\tok/notok/skip\t%s\tok/notok/skip\twhy %s failed\n", ref.Name, ours.Name, ours.Name)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Ref.Name, verdict(r.Ref), counts(r.Ref), verdict(r.Ours), counts(r.Ours), clip(r.Ours.Why(), 160))
	}
	rt, ot := Sum(rows)
	fmt.Fprintf(tw, "TOTAL\t%d/%d\t%d/%d/%d\t%d/%d\t%d/%d/%d\t\n", rt.Passed, rt.Files, rt.Ok, rt.NotOk, rt.Skip, ot.Passed, ot.Files, ot.Ok, ot.NotOk, ot.Skip)
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
