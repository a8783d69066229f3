// Package tracebench measures what tracing costs a traced program: the
// same workload run untraced, under strace and under syscalls/trace, with
// every syscall traced and with `-e trace=openat` done by a seccomp
// filter. It is `deepsys syscalls bench`.
//
// The method:
//
//  1. The workload is this binary re-executed with workloadEnv: it makes
//     a fixed number of syscalls in a loop (getppid, and in the mixed
//     loop an openat + close of /dev/null every 1,000th), so every
//     contestant traces the same program, a Go binary with the runtime's
//     own threads and calls. It times its loop alone and writes the
//     nanoseconds to the file workloadOutEnv names: start-up, the
//     runtime's start-up calls and exit are not in the figure, and neither
//     is the tracer's own start. The fully traced loop is timed by the
//     wall clock (it waits for the tracer at every stop), the filtered one
//     by its thread's CPU time (its syscalls never stop, and CPU time
//     leaves out the other tenants of a shared machine).
//  2. Each contestant's round runs the workload once, traced, and returns
//     the loop's time divided by its syscalls; its Overhead is the same
//     workload untraced, so the figure is what tracing adds per syscall
//     (internal/bench, step 6).
//  3. Full tracing: ours (trace.Run, -f, strace's text to /dev/null)
//     against `strace -f -qq -o /dev/null`. Goal (issue 05): ratio <= 1.
//  4. Filtered: ours with Trace = {openat} (seccomp RET_TRACE for openat
//     only) against `strace -f -qq --seccomp-bpf -e trace=openat -o
//     /dev/null`, on the getppid-only loop (its one openat comes before
//     the loop): the figure is what a syscall the filter lets through
//     costs, the seccomp program's run. Goal: <= 60 ns.
package tracebench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/syscalls/trace"
	"golang.org/x/sys/unix"
)

// Config sizes the workloads.
type Config struct {
	Calls         int // loop syscalls under full tracing
	FilteredCalls int // loop syscalls under the filtered trace
}

// Default and Quick are the sizes `deepsys syscalls bench` uses without
// and with --quick.
var (
	Default = Config{Calls: 50000, FilteredCalls: 2000000}
	Quick   = Config{Calls: 2000, FilteredCalls: 100000}
)

// FilteredGoal is the goal for an untraced syscall under a
// filtered trace, in ns.
const FilteredGoal = 60

// workloadEnv makes this binary the workload: its value is the number of
// syscalls and the loop ("mixed" or "getppid"), as "50000:mixed".
// workloadOutEnv names the file the loop's time goes to.
const (
	workloadEnv    = "DEEPSYS_TRACEBENCH_LOOP"
	workloadOutEnv = "DEEPSYS_TRACEBENCH_OUT"
)

func init() {
	if v, ok := os.LookupEnv(workloadEnv); ok {
		if err := runWorkload(v, os.Getenv(workloadOutEnv)); err != nil {
			fmt.Fprintf(os.Stderr, "tracebench workload: %v\n", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
}

func runWorkload(spec, out string) error {
	ns, kind, _ := strings.Cut(spec, ":")
	n, err := strconv.Atoi(ns)
	if err != nil || (kind != "mixed" && kind != "getppid") {
		return fmt.Errorf("%s=%q: want N:mixed or N:getppid", workloadEnv, spec)
	}
	fd, err := unix.Open(os.DevNull, unix.O_RDONLY, 0) // the filtered trace's one traced call
	if err != nil {
		return err
	}
	unix.Close(fd)
	runtime.LockOSThread() // the loop's thread is the one whose CPU time is read
	clock := timeWall
	if kind == "getppid" {
		clock = timeThreadCPU
	}
	start, err := clock()
	if err != nil {
		return err
	}
	loop(n, kind == "mixed")
	end, err := clock()
	if err != nil || out == "" {
		return err
	}
	return os.WriteFile(out, []byte(strconv.FormatInt(end-start, 10)), 0o644)
}

// timeWall is the monotonic clock in ns: a fully traced loop's time is
// mostly spent stopped, waiting for the tracer.
func timeWall() (int64, error) {
	var ts unix.Timespec
	err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano(), err
}

// timeThreadCPU is the loop thread's CPU time in ns: an untraced syscall
// under a filter costs the thread's own CPU in the kernel (the seccomp
// path), and CPU time leaves out the time other tenants of the machine
// hold the CPU, which wall time on a shared machine does not.
func timeThreadCPU() (int64, error) {
	var ts unix.Timespec
	err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return ts.Nano(), err
}

// loop makes n syscalls: getppid, and with mixed an openat + close every
// 1,000th.
func loop(n int, mixed bool) {
	for i := 0; i < n; i++ {
		if mixed && i%1000 == 998 {
			if fd, err := unix.Open(os.DevNull, unix.O_RDONLY, 0); err == nil {
				unix.Close(fd)
			}
			i++
			continue
		}
		unix.Getppid()
	}
}

// Workloads are the two workloads of the method, steps 3 and 4.
func Workloads(cfg Config) ([]bench.Workload, error) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		return nil, fmt.Errorf("tracebench: the peer strace is not installed: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	openat, _ := trace.ParseSet("trace=openat")
	full, err := newRunner(self, cfg.Calls, "mixed")
	if err != nil {
		return nil, err
	}
	filtered, err := newRunner(self, cfg.FilteredCalls, "getppid")
	if err != nil {
		return nil, err
	}
	return []bench.Workload{
		{
			Name: fmt.Sprintf("full trace, %d syscalls", cfg.Calls), Metric: "added time per syscall",
			Unit: "ns", Better: bench.LowerIsBetter,
			Contestants: []bench.Contestant{
				full.contestant(bench.DeepsysName, full.ours(trace.Options{Follow: true})),
				full.contestant("strace", full.strace(strace, "-f", "-qq", "-o", os.DevNull)),
			},
		},
		{
			Name: fmt.Sprintf("-e trace=openat (seccomp), %d syscalls", cfg.FilteredCalls), Metric: "added time per syscall",
			Unit: "ns", Better: bench.LowerIsBetter, Goal: FilteredGoal,
			Contestants: []bench.Contestant{
				filtered.contestant(bench.DeepsysName, filtered.ours(trace.Options{Follow: true, Trace: openat})),
				filtered.contestant("strace", filtered.strace(strace, "-f", "-qq", "--seccomp-bpf", "-e", "trace=openat", "-o", os.DevNull)),
			},
		},
	}, nil
}

// runner runs the workload of calls syscalls and reads its loop's time
// from out.
type runner struct {
	self, out string
	calls     int
	env       []string
}

func newRunner(self string, calls int, kind string) (*runner, error) {
	f, err := os.CreateTemp("", "deepsys-tracebench-*")
	if err != nil {
		return nil, err
	}
	f.Close()
	env := append(os.Environ(), workloadEnv+"="+strconv.Itoa(calls)+":"+kind, workloadOutEnv+"="+f.Name())
	return &runner{self: self, out: f.Name(), calls: calls, env: env}, nil
}

// contestant times run and, as its overhead, the untraced workload, both
// per loop syscall.
func (r *runner) contestant(name string, run func() error) bench.Contestant {
	return bench.Contestant{
		Name:     name,
		Run:      func() (float64, error) { return r.perCall(run) },
		Overhead: func() (float64, error) { return r.perCall(r.untraced) },
	}
}

// perCall runs the workload through run and returns its loop's time per
// syscall.
func (r *runner) perCall(run func() error) (float64, error) {
	if err := os.WriteFile(r.out, nil, 0o644); err != nil {
		return 0, err
	}
	if err := run(); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(r.out)
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the workload's time in %s: %q: %w", r.out, b, err)
	}
	return float64(ns) / float64(r.calls), nil
}

func (r *runner) untraced() error {
	cmd := exec.Command(r.self)
	cmd.Env = r.env
	return cmd.Run()
}

func (r *runner) strace(path string, args ...string) func() error {
	return func() error {
		cmd := exec.Command(path, append(args, r.self)...)
		cmd.Env = r.env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("strace: %w: %s", err, out)
		}
		return nil
	}
}

// ours traces the workload in this process, strace's text to /dev/null.
func (r *runner) ours(o trace.Options) func() error {
	return func() error {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer devnull.Close()
		o.Output, o.ToFile, o.Stdout, o.Stderr, o.Env = devnull, true, devnull, devnull, r.env
		res, err := trace.Run(context.Background(), []string{r.self}, o)
		if err == nil && res.ExitCode != 0 {
			err = fmt.Errorf("traced workload exited with %d", res.ExitCode)
		}
		return err
	}
}
