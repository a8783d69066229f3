package jit

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// The interpreter's benchmark loops (ebpf/interp, bench_test.go), on both
// engines side by side (STYLE.md 9): ns per Run and per executed
// instruction. Compare the two sub-benchmarks of one run, not across
// runs: this machine is shared.

// arithLoop: 1000 iterations of 5 ALU instructions and a conditional jump.
const arithLoop = `
	mov %r0, 0
	mov %r1, 1000
	mov %r2, 3
loop:
	add %r0, %r1
	mul %r2, 7
	xor %r0, %r2
	rsh32 %r2, 3
	sub %r1, 1
	jne %r1, 0, loop
	exit`

// stackLoop: 1000 iterations that keep a counter and an accumulator on
// the stack: 2 loads, 2 stores, 3 ALU, 1 jump.
const stackLoop = `
	stdw [%r10-8], 1000
	stdw [%r10-16], 0
loop:
	ldxdw %r1, [%r10-8]
	ldxdw %r0, [%r10-16]
	add %r0, %r1
	sub %r1, 1
	stxdw [%r10-16], %r0
	stxdw [%r10-8], %r1
	and32 %r0, 0xffff
	jne %r1, 0, loop
	exit`

// ctxLoop: 1000 iterations that load from the context through r1, which
// takes the checked path (memory.go) on both engines.
const ctxLoop = `
	mov %r0, 0
	mov %r2, 1000
loop:
	ldxw %r3, [%r1+4]
	add %r0, %r3
	stxw [%r1], %r0
	sub %r2, 1
	jne %r2, 0, loop
	exit`

func BenchmarkLoops(b *testing.B) {
	for _, w := range []struct {
		name, src string
		ctx       []byte
	}{{"arith", arithLoop, nil}, {"stack", stackLoop, nil}, {"context", ctxLoop, make([]byte, 8)}, {"overhead", "mov %r0, 0\nexit", nil}} {
		insns := mustAssemble(b, w.src)
		_, executed := runJIT(insns, setup{ctx: w.ctx})
		b.Run(w.name+"/interp", func(b *testing.B) {
			p, err := interp.Compile(insns, interp.Options{})
			if err != nil {
				b.Fatal(err)
			}
			bench(b, p.Run, w.ctx, executed)
		})
		b.Run(w.name+"/jit", func(b *testing.B) {
			p, err := Compile(insns, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			bench(b, p.Run, w.ctx, executed)
		})
	}
}

func bench(b *testing.B, run func([]byte) (uint64, error), ctx []byte, executed uint64) {
	for b.Loop() {
		if _, err := run(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(executed), "ns/insn")
}

// BenchmarkCompile is the price of the JIT's start: validation, code
// generation, mmap and mprotect, and Close's munmap.
func BenchmarkCompile(b *testing.B) {
	insns := mustAssemble(b, stackLoop)
	for b.Loop() {
		p, err := Compile(insns, Options{})
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}
