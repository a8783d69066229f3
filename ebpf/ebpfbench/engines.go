package ebpfbench

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/jit"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/internal/bench"
	"golang.org/x/sys/unix"
)

// batch runs a loaded program n times and returns the wall time the n runs
// took.
type batch func(n int) (time.Duration, error)

// engine is one contestant. load prepares a program to be run on mem in
// batches; it first checks that the program computes want (in the width the
// engine reports), so that nothing is timed computing something else.
type engine struct {
	name string
	load func(insns []ebpf.Instruction, mem []byte, want uint64) (batch, error)
}

// engines are the contestants in order. internal/bench takes the first as
// deepsys and the rest as peers: the table shows our JIT against our
// interpreter and against the Linux JIT.
var engines = []engine{
	{"deepsys jit", inProcess(compileJIT)},
	{"deepsys interp", inProcess(compileInterp)},
	{"linux jit", loadKernel},
}

// emptySource is every engine's overhead program: what a run of it costs
// is the engine's per-run cost (entry, exit, the batch loop), which the
// harness subtracts. On the kernel it runs behind the same XDP prolog as
// the workloads, so the prolog is subtracted too.
const emptySource = "mov %r0, 0\nexit"

// emptyExecuted is the instructions the empty program executes on the
// interpreter.
const emptyExecuted = 2

// batches is how many batches a round (Run or Overhead) takes; the
// fastest counts. Interference (interrupts, another tenant's vCPU) only
// ever adds time, and the figure is a difference of two such minimums.
const batches = 4

// contestant builds engine e's contestant for p: Run times p, Overhead the
// empty program on the same memory, the same number of runs per batch.
func contestant(e engine, p Program, want uint64, cfg Config) (bench.Contestant, error) {
	run, err := e.load(p.Insns, p.Mem, want)
	if err != nil {
		return bench.Contestant{}, err
	}
	empty, err := asm.Assemble(emptySource)
	if err != nil {
		return bench.Contestant{}, err
	}
	base, err := e.load(empty, p.Mem, 0)
	if err != nil {
		return bench.Contestant{}, fmt.Errorf("the empty program: %w", err)
	}
	n, err := calibrate(cfg.Round/batches, run)
	if err != nil {
		return bench.Contestant{}, err
	}
	return bench.Contestant{Name: e.name, Run: bestOf(run, n), Overhead: bestOf(base, n)}, nil
}

// bestOf times batches batches of n runs and returns the fastest, in ns
// per run.
func bestOf(b batch, n int) func() (float64, error) {
	return func() (float64, error) {
		best := time.Duration(math.MaxInt64)
		for range batches {
			d, err := b(n)
			if err != nil {
				return 0, err
			}
			best = min(best, d)
		}
		return float64(best.Nanoseconds()) / float64(n), nil
	}
}

// runner is a program loaded by one of our engines.
type runner interface {
	Run(ctx []byte) (uint64, error)
}

func compileInterp(insns []ebpf.Instruction) (runner, error) {
	return interp.Compile(insns, interp.Options{})
}

// compileJIT compiles for the JIT; the generated code is freed when the
// program is garbage collected (jit.Program's cleanup).
func compileJIT(insns []ebpf.Instruction) (runner, error) {
	return jit.Compile(insns, jit.Options{})
}

// interpCount runs p once on the interpreter: r0 and the instructions
// executed.
func interpCount(p Program) (r0, executed uint64, err error) {
	ip, err := interp.Compile(p.Insns, interp.Options{})
	if err != nil {
		return 0, 0, fmt.Errorf("ebpfbench: %s: %w", p.File, err)
	}
	r0, executed, err = ip.RunCount(slices.Clone(p.Mem))
	if err != nil {
		return 0, 0, fmt.Errorf("ebpfbench: %s: %w", p.File, err)
	}
	return r0, executed, nil
}

// interpR0 runs p once on the interpreter.
func interpR0(p Program) (uint64, error) {
	r0, _, err := interpCount(p)
	return r0, err
}

// inProcess times one of our engines' Run in this process: a loop of n
// Runs on one copy of the memory, each r0 checked, timed by the CPU time
// of the thread that runs it (threadTime).
func inProcess(compile func([]ebpf.Instruction) (runner, error)) func([]ebpf.Instruction, []byte, uint64) (batch, error) {
	return func(insns []ebpf.Instruction, mem []byte, want uint64) (batch, error) {
		r, err := compile(insns)
		if err != nil {
			return nil, err
		}
		mem = slices.Clone(mem)
		return func(n int) (time.Duration, error) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			start, err := threadTime()
			if err != nil {
				return 0, err
			}
			for range n {
				if r0, err := r.Run(mem); err != nil || r0 != want {
					return 0, fmt.Errorf("r0 = %#x, %v; want %#x", r0, err, want)
				}
			}
			end, err := threadTime()
			return end - start, err
		}, nil
	}
}

// threadTime is the CPU time of the calling thread (the goroutine is
// locked to it for the batch). It leaves out the time the thread was not
// running, as the kernel's clock around its test-run loop does (it stops
// while the loop yields the CPU, net/bpf/test_run.c,
// bpf_test_timer_continue): on this shared machine another tenant's task
// takes the CPU in the middle of most 10 ms batches, and a wall clock
// would count that against our engines only.
func threadTime() (time.Duration, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, fmt.Errorf("ebpfbench: clock_gettime(CLOCK_THREAD_CPUTIME_ID): %w", err)
	}
	return time.Duration(ts.Nano()), nil
}

// loadKernel loads the program into the kernel as an XDP program
// (Options.Retval32: no result wrapper, r0's low 32 bits are the retval); a
// batch is one BPF_PROG_TEST_RUN with repeat n, and its time is the one the
// kernel measures around its loop of n runs (its mean, in whole ns, times
// n). Timing the syscall instead would add the ~16-30 ms the kernel spends
// attaching the program to the XDP dispatcher whenever repeat > 1
// (bpf_prog_change_xdp, measured here): more than a whole batch.
func loadKernel(insns []ebpf.Instruction, mem []byte, want uint64) (batch, error) {
	prog, err := kernel.Load(insns, kernel.Options{MemLen: len(mem), Retval32: true})
	if err != nil {
		return nil, err
	}
	mem = slices.Clone(mem)
	if r0, err := prog.Run(mem); err != nil || r0 != uint64(uint32(want)) {
		return nil, fmt.Errorf("r0 = %#x, %v; the interpreter's low 32 bits are %#x", r0, err, uint32(want))
	}
	return func(n int) (time.Duration, error) {
		d, err := prog.Bench(mem, n)
		return d * time.Duration(n), err
	}, nil
}

// calibrate returns how many runs fill about round: it doubles n until n
// runs take a millisecond, then scales.
func calibrate(round time.Duration, b batch) (int, error) {
	const maxRuns = 1 << 30
	n := 1
	for {
		d, err := b(n)
		if err != nil {
			return 0, err
		}
		if d >= time.Millisecond || n >= maxRuns {
			return max(1, min(maxRuns, int(float64(n)*float64(round)/float64(max(d, 1))))), nil
		}
		n *= 2
	}
}
