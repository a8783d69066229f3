package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Filter is a classic BPF program the table measures getppid under.
type Filter struct {
	Name string
	Prog []unix.SockFilter
	// GoalNs is the bound on the added cost (0: none).
	GoalNs float64
}

// Config sizes a measurement; zero fields take the defaults.
type Config struct {
	Iters     int      // iterations of the fast loops (default 200000)
	SlowIters int      // iterations under a tracer or supervisor (default 20000)
	Runs      int      // interleaved runs; each row is their median (default and minimum 5)
	Filters   []Filter // default DefaultFilters()
}

// Row is one line of the table.
type Row struct {
	Name      string    `json:"name"`
	NsPerCall float64   `json:"ns_per_call"`        // median over runs
	AddedNs   *float64  `json:"added_ns,omitempty"` // median of (row - raw getppid), paired by run
	GoalNs    float64   `json:"goal_ns,omitempty"`
	Goal      string    `json:"goal,omitempty"`
	MeetsGoal *bool     `json:"meets_goal,omitempty"`
	Runs      []float64 `json:"runs"`
	Iters     int       `json:"iterations"`
}

// Table is the measured table with the machine it ran on.
type Table struct {
	Kernel string `json:"kernel"`
	CPU    string `json:"cpu"`
	Runs   int    `json:"runs"`
	Rows   []Row  `json:"rows"`
}

// getppidNr is getppid's number on x86-64.
const getppidNr = unix.SYS_GETPPID

// DefaultFilters are the filter rows: a one-instruction ALLOW as the kernel
// caches it and as it must run it, a hand-built 100-rule linear chain both
// ways, and a 100-rule policy compiled by syscalls/seccomp, binary search
// against linear chain, as it must run.
func DefaultFilters() []Filter {
	chain, _ := LinearChain(100, 1000, getppidNr)
	return []Filter{
		{Name: "1-instruction ALLOW filter (action cache hit)", Prog: AllowOne()},
		{Name: "1-instruction filter, uncacheable (filter runs)", Prog: Uncacheable(AllowOne())},
		{Name: "100-rule linear chain (action cache hit)", Prog: chain, GoalNs: 25},
		{Name: "100-rule linear chain, uncacheable (101 compares run)", Prog: Uncacheable(chain), GoalNs: 25},
		{Name: "100-rule policy, syscalls/seccomp binary search, uncacheable", Prog: Uncacheable(compiled(false)), GoalNs: 25},
		{Name: "100-rule policy, syscalls/seccomp linear chain, uncacheable", Prog: Uncacheable(compiled(true)), GoalNs: 25},
	}
}

func (c Config) withDefaults() Config {
	if c.Iters <= 0 {
		c.Iters = 200000
	}
	if c.SlowIters <= 0 {
		c.SlowIters = 20000
	}
	c.Runs = max(c.Runs, 5)
	if c.Filters == nil {
		c.Filters = DefaultFilters()
	}
	return c
}

// jobs lists the rows in table order; the first is the baseline.
func (c Config) jobs() []job {
	js := []job{
		{name: "getppid, raw syscall", loop: "getppid", iters: c.Iters},
		{name: "time.Now: 2 clock reads via the vDSO", loop: "clock-vdso", iters: c.Iters},
		{name: "the same 2 reads via clock_gettime syscalls", loop: "clock-syscall", iters: c.Iters},
	}
	for _, f := range c.Filters {
		js = append(js, job{name: "getppid under " + f.Name, loop: "getppid", iters: c.Iters,
			filter: f.Prog, added: true, goalNs: f.GoalNs, goalFor: "100-rule policy"})
	}
	return append(js,
		job{name: "getppid, ptrace syscall stops (entry + exit)", loop: "getppid", iters: c.SlowIters,
			under: underPtraceSyscall, added: true},
		job{name: "getppid, SECCOMP_RET_TRACE stop", loop: "getppid", iters: c.SlowIters,
			filter: TraceOne(getppidNr), under: underSeccompTrace, added: true},
		job{name: "getppid, user-notify round trip (RECV, SEND CONTINUE)", loop: "getppid", iters: c.SlowIters,
			under: underNotify, added: true, goalNs: 10000, goalFor: "user-notify round trip"},
		job{name: "the same with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP", loop: "getppid", iters: c.SlowIters,
			under: underNotifySync, added: true, goalNs: 10000, goalFor: "user-notify round trip"},
	)
}

// Measure runs every row's child once per run, rows interleaved within a
// run (A B C ... A B C ...), and takes medians. progress, if not nil, gets
// a line per run.
func Measure(c Config, progress io.Writer) (*Table, error) {
	c = c.withDefaults()
	js := c.jobs()
	runs := make([][]float64, len(js))
	for r := range c.Runs {
		for i, j := range js {
			ns, err := j.measure()
			if err != nil {
				return nil, err
			}
			runs[i] = append(runs[i], ns)
		}
		if progress != nil {
			fmt.Fprintf(progress, "run %d/%d done\n", r+1, c.Runs)
		}
	}
	t := &Table{Kernel: kernel(), CPU: cpuModel(), Runs: c.Runs}
	for i, j := range js {
		t.Rows = append(t.Rows, row(j, runs[i], runs[0]))
	}
	return t, nil
}

func row(j job, runs, base []float64) Row {
	r := Row{Name: j.name, NsPerCall: median(runs), Runs: runs, Iters: j.iters}
	if !j.added {
		return r
	}
	diffs := make([]float64, len(runs))
	for k := range runs {
		diffs[k] = runs[k] - base[k]
	}
	added := median(diffs)
	r.AddedNs = &added
	if j.goalNs > 0 {
		meets := added <= j.goalNs
		r.GoalNs, r.Goal, r.MeetsGoal = j.goalNs, fmt.Sprintf("%s adds <= %g ns", j.goalFor, j.goalNs), &meets
	}
	return r
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Markdown writes the table.
func (t *Table) Markdown(w io.Writer) {
	fmt.Fprintf(w, "Syscall costs on %s, kernel %s; ns per call, median of %d interleaved runs\n\n", t.CPU, t.Kernel, t.Runs)
	fmt.Fprintln(w, "| what | ns/call | added to raw getppid | goal |")
	fmt.Fprintln(w, "|---|---:|---:|---|")
	for _, r := range t.Rows {
		added, goal := "", ""
		if r.AddedNs != nil {
			added = fmt.Sprintf("%+.1f", *r.AddedNs)
		}
		if r.MeetsGoal != nil {
			goal = r.Goal + map[bool]string{true: ": met", false: ": NOT met"}[*r.MeetsGoal]
		}
		fmt.Fprintf(w, "| %s | %.1f | %s | %s |\n", r.Name, r.NsPerCall, added, goal)
	}
}

// WriteJSON writes the table as JSON.
func (t *Table) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		System string `json:"system"`
		Kind   string `json:"table"`
		*Table
	}{"syscalls", "cost", t})
}

func kernel() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
