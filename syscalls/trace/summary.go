package trace

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/deepsys/deepsys/syscalls/systab"
)

// Summary is strace -c's table: per syscall name, the calls that returned,
// how many failed, and their time: as strace -c counts it by default, the
// growth of the tracee's system CPU time between the entry and exit stops
// (the rusage wait4 reports with each stop, strace's count.c), or with
// Options.SummaryWall the wall time between them (strace -c -w). Calls that
// never return (exit_group, a thread killed inside a call) are not
// counted, as in strace.
type Summary struct {
	rows map[string]*SummaryRow
}

// SummaryRow is one syscall's line of the table.
type SummaryRow struct {
	Name   string
	Calls  int
	Errors int
	Time   time.Duration
}

func newSummary() *Summary { return &Summary{rows: map[string]*SummaryRow{}} }

func (s *Summary) add(name string, failed bool, d time.Duration) {
	r := s.rows[name]
	if r == nil {
		r = &SummaryRow{Name: name}
		s.rows[name] = r
	}
	r.Calls++
	if failed {
		r.Errors++
	}
	r.Time += d
}

// Rows are the table's lines in strace's default order: most time first
// (-S time), then by name.
func (s *Summary) Rows() []SummaryRow {
	out := make([]SummaryRow, 0, len(s.rows))
	for _, r := range s.rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Time != out[j].Time {
			return out[i].Time > out[j].Time
		}
		return out[i].Name < out[j].Name
	})
	return out
}

const summaryRule = "------ ----------- ----------- --------- --------- ----------------\n"

// WriteTable writes the table as strace -c does (strace's count.c
// formats: "%6.2f %11.6f %11lu %9u %9.u %s").
func (s *Summary) WriteTable(w io.Writer) error {
	var b strings.Builder
	b.WriteString("% time     seconds  usecs/call     calls    errors syscall\n" + summaryRule)
	rows := s.Rows()
	var total SummaryRow
	for _, r := range rows {
		total.Calls += r.Calls
		total.Errors += r.Errors
		total.Time += r.Time
	}
	for _, r := range rows {
		writeSummaryRow(&b, r, total.Time)
	}
	b.WriteString(summaryRule)
	total.Name = "total"
	writeSummaryRow(&b, total, total.Time)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSummaryRow(b *strings.Builder, r SummaryRow, all time.Duration) {
	pct := 0.0
	if all > 0 {
		pct = 100 * float64(r.Time) / float64(all)
	}
	per := int64(0)
	if r.Calls > 0 {
		per = r.Time.Microseconds() / int64(r.Calls)
	}
	errs := ""
	if r.Errors > 0 {
		errs = strconv.Itoa(r.Errors)
	}
	fmt.Fprintf(b, "%6.2f %11.6f %11d %9d %9s %s\n", pct, r.Time.Seconds(), per, r.Calls, errs, r.Name)
}

// errnoName is errno e's symbol, or its number for one the table lacks.
func errnoName(e int) string {
	if n := systab.ErrnoName(e); n != "" {
		return n
	}
	return "E" + strconv.Itoa(e)
}
