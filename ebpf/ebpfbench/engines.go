package ebpfbench

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/jit"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/internal/bench"
)

// engine builds one contestant's Run for a program; want is the r0 the
// interpreter computes, which the engine must reproduce (in the width it
// reports) before it is timed.
type engine struct {
	name  string
	build func(p Program, want uint64, cfg Config) (func() (float64, error), error)
}

// engines are the contestants in order. internal/bench takes the first as
// deepsys and the rest as peers: the table shows our JIT against our
// interpreter and against the Linux JIT.
var engines = []engine{
	{"deepsys jit", inProcess(compileJIT)},
	{"deepsys interp", inProcess(compileInterp)},
	{"linux jit", kernelRun},
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

// interpR0 runs p once on the interpreter.
func interpR0(p Program) (uint64, error) {
	ip, err := interp.Compile(p.Insns, interp.Options{})
	if err != nil {
		return 0, fmt.Errorf("ebpfbench: %s: %w", p.File, err)
	}
	r0, err := ip.Run(slices.Clone(p.Mem))
	if err != nil {
		return 0, fmt.Errorf("ebpfbench: %s: %w", p.File, err)
	}
	return r0, nil
}

// inProcess times one of our engines' Run in this process.
func inProcess(compile func([]ebpf.Instruction) (runner, error)) func(Program, uint64, Config) (func() (float64, error), error) {
	return func(p Program, want uint64, cfg Config) (func() (float64, error), error) {
		r, err := compile(p.Insns)
		if err != nil {
			return nil, err
		}
		mem := slices.Clone(p.Mem)
		var runErr error
		op := func(int) {
			if r0, err := r.Run(mem); err != nil || r0 != want {
				runErr = fmt.Errorf("r0 = %#x, %v; want %#x", r0, err, want)
			}
		}
		ops := calibrate(cfg.Round, func(n int) time.Duration {
			start := time.Now()
			for i := range n {
				op(i)
			}
			return time.Since(start)
		})
		timed := bench.NsPerOp(ops, op)
		return func() (float64, error) {
			ns, err := timed()
			if runErr != nil {
				return 0, runErr
			}
			return ns, err
		}, runErr
	}
}

// emptySource is the baseline whose cost is subtracted from the kernel's
// figures: the same prolog, then nothing.
const emptySource = "mov %r0, 0\nexit"

// kernelRun loads p and the empty program into the kernel and times both
// in each round with BPF_PROG_TEST_RUN; the figure is their difference.
func kernelRun(p Program, want uint64, cfg Config) (func() (float64, error), error) {
	opts := kernel.Options{MemLen: len(p.Mem), Retval32: true}
	prog, err := kernel.Load(p.Insns, opts)
	if err != nil {
		return nil, err
	}
	mem := slices.Clone(p.Mem)
	if r0, err := prog.Run(mem); err != nil || r0 != uint64(uint32(want)) {
		return nil, fmt.Errorf("r0 = %#x, %v; the interpreter's low 32 bits are %#x", r0, err, uint32(want))
	}
	emptyInsns, err := asm.Assemble(emptySource)
	if err != nil {
		return nil, err
	}
	empty, err := kernel.Load(emptyInsns, opts)
	if err != nil {
		return nil, err
	}
	var benchErr error
	repeat := calibrate(cfg.Round/kernelPairs, func(n int) time.Duration {
		d, err := prog.Bench(mem, n)
		if err != nil {
			benchErr = err
		}
		return d * time.Duration(n)
	})
	if benchErr != nil {
		return nil, benchErr
	}
	return func() (float64, error) { return kernelRound(prog, empty, mem, repeat) }, nil
}

// kernelPairs is how many (program, empty program) measurements a kernel
// round alternates; the fastest of each is kept. Interference (interrupts,
// another tenant's vCPU) only ever adds time, and the figure is a small
// difference of two larger ones, so the minimum is the estimate least
// disturbed by it.
const kernelPairs = 4

// kernelRound is one round of the kernel contestant: min over
// kernelPairs of the program's mean ns per run, less the same for the
// empty program.
func kernelRound(prog, empty *kernel.Program, mem []byte, repeat int) (float64, error) {
	best, bestEmpty := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	for range kernelPairs {
		d, err := prog.Bench(mem, repeat)
		if err != nil {
			return 0, err
		}
		d0, err := empty.Bench(mem, repeat)
		if err != nil {
			return 0, err
		}
		best, bestEmpty = min(best, d), min(bestEmpty, d0)
	}
	return float64(best - bestEmpty), nil
}

// calibrate returns how many runs fill about round, given run(n), which
// performs n runs and says how long they took: it doubles n until the
// runs take a millisecond, then scales.
func calibrate(round time.Duration, run func(n int) time.Duration) int {
	const maxRuns = 1 << 30
	n := 1
	for {
		d := run(n)
		if d >= time.Millisecond || n >= maxRuns {
			return max(1, min(maxRuns, int(float64(n)*float64(round)/float64(max(d, 1)))))
		}
		n *= 2
	}
}
