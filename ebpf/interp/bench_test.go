package interp

import (
	"runtime"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"golang.org/x/sys/unix"
)

// Benchmarks report ns per executed eBPF instruction twice: by the wall
// clock (ns/insn) and by this thread's CPU time (cpu-ns/insn). On a shared
// machine the first includes time other processes took; the second does
// not, and is the one to compare with the per-instruction goal.

// arithLoop: 1000 iterations of 5 ALU instructions and a conditional jump.
var arithLoop = prog(
	mov(0, 0), mov(1, 1000), mov(2, 3),
	a64x(ebpf.ALUAdd, 0, 1), // r0 += r1
	a64(ebpf.ALUMul, 2, 7),  // r2 *= 7
	a64x(ebpf.ALUXor, 0, 2), // r0 ^= r2
	a32(ebpf.ALURsh, 2, 3),  // w2 >>= 3
	a64(ebpf.ALUSub, 1, 1),  // r1 -= 1
	jK(ebpf.ClassJMP, ebpf.JumpNE, 1, 0, -6),
	exit())

// stackLoop: 1000 iterations that keep a counter and an accumulator in
// the stack: 2 loads, 2 stores, 3 ALU, 1 jump.
var stackLoop = prog(
	st(ebpf.SizeDW, 10, -8, 1000), st(ebpf.SizeDW, 10, -16, 0),
	ldx(ebpf.SizeDW, 1, 10, -8),  // r1 = counter
	ldx(ebpf.SizeDW, 0, 10, -16), // r0 = acc
	a64x(ebpf.ALUAdd, 0, 1),      // acc += counter
	a64(ebpf.ALUSub, 1, 1),       // counter--
	stx(ebpf.SizeDW, 10, 0, -16),
	stx(ebpf.SizeDW, 10, 1, -8),
	a32(ebpf.ALUAnd, 0, 0xffff),
	jK(ebpf.ClassJMP, ebpf.JumpNE, 1, 0, -8),
	exit())

// BenchmarkRunOverhead is the cost of Run itself: pool, reset (zeroing the
// stack), two instructions.
func BenchmarkRunOverhead(b *testing.B) {
	p, err := Compile(prog(mov(0, 0), exit()), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := p.Run(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArithLoop(b *testing.B) { benchProgram(b, arithLoop, nil) }
func BenchmarkStackLoop(b *testing.B) { benchProgram(b, stackLoop, nil) }

func benchProgram(b *testing.B, insns []ebpf.Instruction, ctx []byte) {
	p, err := Compile(insns, Options{})
	if err != nil {
		b.Fatal(err)
	}
	_, executed, err := p.run(ctx)
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := threadCPU(b)
	for b.Loop() {
		if _, err := p.Run(ctx); err != nil {
			b.Fatal(err)
		}
	}
	cpu := threadCPU(b) - cpu0
	n := float64(b.N) * float64(executed)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/insn")
	b.ReportMetric(float64(cpu)/n, "cpu-ns/insn")
}

// threadCPU is the CPU time of the calling thread, in ns.
func threadCPU(b *testing.B) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return ts.Nano()
}
