package cost

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/deepsys/deepsys/syscalls/notify"
	"golang.org/x/sys/unix"
)

// Every figure is measured in a child: this binary re-executed with
// envChild = "LOOP:ITERATIONS" (and envFilter = a hex program to install
// first). The child's init function runs the loop on the locked main
// thread — the one a PTRACE_TRACEME tracer traces and the only one its
// filter binds — prints nanoseconds per iteration on stdout, and exits.
const (
	envChild  = "DEEPSYS_COST_CHILD"
	envFilter = "DEEPSYS_COST_FILTER"
)

func init() {
	if spec, ok := os.LookupEnv(envChild); ok {
		runtime.LockOSThread()
		ns, err := childRun(spec, os.Getenv(envFilter))
		if err != nil {
			fmt.Fprintf(os.Stderr, "deepsys cost child: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("%.3f\n", ns)
		os.Exit(0)
	}
}

// loops are the measured bodies, by name.
var loops = map[string]func(n int){
	"getppid":       loopGetppid,
	"clock-vdso":    loopVDSO,
	"clock-syscall": loopClockSyscall,
}

func childRun(spec, filter string) (float64, error) {
	loop, n, err := parseSpec(spec)
	if err != nil {
		return 0, err
	}
	if filter != "" {
		prog, err := notify.DecodeFilter(filter)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", envFilter, err)
		}
		// No TSYNC: the filter binds this thread, which runs the loop.
		if _, err := notify.Install(prog, 0); err != nil {
			return 0, err
		}
	}
	return fastestBatch(loop, n), nil
}

// parseSpec parses envChild's LOOP:ITERATIONS.
func parseSpec(spec string) (func(int), int, error) {
	name, count, _ := strings.Cut(spec, ":")
	loop, ok := loops[name]
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 || n > maxIters {
		return nil, 0, fmt.Errorf("%s=%q: want LOOP:ITERATIONS, LOOP one of getppid, clock-vdso, clock-syscall, 1 <= ITERATIONS <= %d",
			envChild, spec, maxIters)
	}
	return loop, n, nil
}

// maxIters bounds a child's loop (about a minute of raw syscalls).
const maxIters = 1 << 28

// batches is how many pieces a child's loop is timed in. The child reports
// its fastest batch: on a shared machine, other load only ever adds time
// (preemption, cache pollution), so the minimum is the cleanest estimate of
// the cost itself; the table then takes the median over runs.
const batches = 50

func fastestBatch(loop func(int), n int) float64 {
	per := max(n/batches, 1)
	loop(per) // warm-up: page faults, caches, the first notification
	best := 0.0
	for range batches {
		start := time.Now()
		loop(per)
		ns := float64(time.Since(start).Nanoseconds()) / float64(per)
		if best == 0 || ns < best {
			best = ns
		}
	}
	return best
}

// loopGetppid is the cheapest real syscall: no arguments, no locks, one
// field read (kernel/sys.c). RawSyscall skips the Go scheduler's
// entersyscall bookkeeping, so the figure is the kernel round trip.
func loopGetppid(n int) {
	for range n {
		unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
	}
}

// loopVDSO reads the clock through the vDSO: time.Now calls the kernel's
// __vdso_clock_gettime twice (CLOCK_REALTIME for the wall clock,
// CLOCK_MONOTONIC for the monotonic reading), each reading the clock from
// a page the kernel shares with the process, without entering the kernel
// (vdso(7)).
func loopVDSO(n int) {
	var sum int64
	for range n {
		sum += time.Now().UnixNano()
	}
	runtime.KeepAlive(sum)
}

// loopClockSyscall makes the same two clock reads as time.Now through the
// syscall instruction.
func loopClockSyscall(n int) {
	var ts unix.Timespec
	p := uintptr(unsafe.Pointer(&ts))
	for range n {
		unix.RawSyscall(unix.SYS_CLOCK_GETTIME, unix.CLOCK_REALTIME, p, 0)
		unix.RawSyscall(unix.SYS_CLOCK_GETTIME, unix.CLOCK_MONOTONIC, p, 0)
	}
}
