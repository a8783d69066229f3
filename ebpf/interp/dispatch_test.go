package interp

// The measurement behind run.go's design: the same two loops through three
// dispatch schemes, interleaved in one process (A B C A B C ...) so that a
// shared machine's noise hits all three alike, min over rounds.
//
//   switch:  run.go, one switch over the op byte (Go emits a jump table);
//   table:   an array of handler functions indexed by op, one indirect call
//            per instruction, each handler returning the next pc;
//   closure: each instruction compiled to a closure holding its operands,
//            one indirect call per instruction, no decode at all.
//
// The table and closure engines implement only the ops the two loops use.

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

const exitPC = -1

type handler func(m *machine, in *inst, next int) int

var handlers = func() (t [numOps]handler) {
	t[opMov64K] = func(m *machine, in *inst, next int) int { m.regs[in.dst&15] = in.imm; return next }
	t[opAdd64X] = func(m *machine, in *inst, next int) int { m.regs[in.dst&15] += m.regs[in.src&15]; return next }
	t[opSub64K] = func(m *machine, in *inst, next int) int { m.regs[in.dst&15] -= in.imm; return next }
	t[opMul64K] = func(m *machine, in *inst, next int) int { m.regs[in.dst&15] *= in.imm; return next }
	t[opXor64X] = func(m *machine, in *inst, next int) int { m.regs[in.dst&15] ^= m.regs[in.src&15]; return next }
	t[opRsh32K] = func(m *machine, in *inst, next int) int {
		m.regs[in.dst&15] = uint64(uint32(m.regs[in.dst&15]) >> (in.imm & 31))
		return next
	}
	t[opAnd32K] = func(m *machine, in *inst, next int) int {
		m.regs[in.dst&15] = uint64(uint32(m.regs[in.dst&15]) & uint32(in.imm))
		return next
	}
	t[opJNEK] = func(m *machine, in *inst, next int) int {
		if m.regs[in.dst&15] != in.imm {
			return int(in.off)
		}
		return next
	}
	t[opExit] = func(*machine, *inst, int) int { return exitPC }
	t[opLdxDW] = func(m *machine, in *inst, next int) int {
		p := m.mem.at(m.regs[in.src&15]+uint64(int64(in.off)), 8)
		if p == nil {
			panic("fault")
		}
		m.regs[in.dst&15] = binary.LittleEndian.Uint64((*[8]byte)(p)[:])
		return next
	}
	t[opStxDW] = func(m *machine, in *inst, next int) int {
		p := m.mem.atWritable(m.regs[in.dst&15]+uint64(int64(in.off)), 8)
		if p == nil {
			panic("fault")
		}
		binary.LittleEndian.PutUint64((*[8]byte)(p)[:], m.regs[in.src&15])
		return next
	}
	t[opStDW] = func(m *machine, in *inst, next int) int {
		p := m.mem.atWritable(m.regs[in.dst&15]+uint64(int64(in.off)), 8)
		if p == nil {
			panic("fault")
		}
		binary.LittleEndian.PutUint64((*[8]byte)(p)[:], in.imm)
		return next
	}
	return t
}()

func runTable(m *machine, code []inst, budget uint64) uint64 {
	for pc := 0; pc != exitPC; {
		if budget == 0 {
			panic("budget")
		}
		budget--
		in := &code[pc]
		pc = handlers[in.op](m, in, pc+1)
	}
	return m.regs[0]
}

type step func(m *machine) int

// closures compiles code to one closure per instruction.
func closures(code []inst) []step {
	steps := make([]step, len(code))
	for pc, in := range code {
		h, in, next := handlers[in.op], in, pc+1
		if h == nil {
			panic(fmt.Sprintf("closure engine lacks op %d", in.op))
		}
		d, s, imm, target := in.dst&15, in.src&15, in.imm, int(in.off)
		switch in.op {
		case opMov64K:
			steps[pc] = func(m *machine) int { m.regs[d] = imm; return next }
		case opAdd64X:
			steps[pc] = func(m *machine) int { m.regs[d] += m.regs[s]; return next }
		case opSub64K:
			steps[pc] = func(m *machine) int { m.regs[d] -= imm; return next }
		case opMul64K:
			steps[pc] = func(m *machine) int { m.regs[d] *= imm; return next }
		case opXor64X:
			steps[pc] = func(m *machine) int { m.regs[d] ^= m.regs[s]; return next }
		case opRsh32K:
			steps[pc] = func(m *machine) int { m.regs[d] = uint64(uint32(m.regs[d]) >> (imm & 31)); return next }
		case opAnd32K:
			steps[pc] = func(m *machine) int { m.regs[d] = uint64(uint32(m.regs[d]) & uint32(imm)); return next }
		case opJNEK:
			steps[pc] = func(m *machine) int {
				if m.regs[d] != imm {
					return target
				}
				return next
			}
		case opLdxDW:
			off := uint64(int64(in.off))
			steps[pc] = func(m *machine) int {
				p := m.mem.at(m.regs[s]+off, 8)
				if p == nil {
					panic("fault")
				}
				m.regs[d] = binary.LittleEndian.Uint64((*[8]byte)(p)[:])
				return next
			}
		case opStxDW:
			off := uint64(int64(in.off))
			steps[pc] = func(m *machine) int {
				p := m.mem.atWritable(m.regs[d]+off, 8)
				if p == nil {
					panic("fault")
				}
				binary.LittleEndian.PutUint64((*[8]byte)(p)[:], m.regs[s])
				return next
			}
		default: // exit, st: through the handler, with the operands bound
			steps[pc] = func(m *machine) int { return h(m, &in, next) }
		}
	}
	return steps
}

func runClosures(m *machine, steps []step, budget uint64) uint64 {
	for pc := 0; pc != exitPC; {
		if budget == 0 {
			panic("budget")
		}
		budget--
		pc = steps[pc](m)
	}
	return m.regs[0]
}

// BenchmarkDispatch reports, for each loop and scheme, the least CPU ns per
// instruction over interleaved rounds. b.N is ignored beyond the first
// round's size: run it with -benchtime 1x.
func BenchmarkDispatch(b *testing.B) {
	for _, bench := range []struct {
		name  string
		insns []ebpf.Instruction
	}{{"arith", arithLoop}, {"stack", stackLoop}} {
		b.Run(bench.name, func(b *testing.B) { compareDispatch(b, bench.insns) })
	}
}

func compareDispatch(b *testing.B, insns []ebpf.Instruction) {
	p, err := Compile(insns, Options{})
	if err != nil {
		b.Fatal(err)
	}
	want, executed, err := p.run(nil)
	if err != nil {
		b.Fatal(err)
	}
	steps := closures(p.code)
	m := p.machine()
	engines := []struct {
		name string
		run  func() uint64
	}{
		{"switch", func() uint64 { m.reset(nil); r0, _ := m.run(); return r0 }},
		{"table", func() uint64 { m.reset(nil); return runTable(m, p.code, p.budget) }},
		{"closure", func() uint64 { m.reset(nil); return runClosures(m, steps, p.budget) }},
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := make([]float64, len(engines))
	const rounds, reps = 30, 200
	for round := range rounds {
		for i, e := range engines {
			start := threadCPU(b)
			for range reps {
				if got := e.run(); got != want {
					b.Fatalf("%s: r0 = %d, want %d", e.name, got, want)
				}
			}
			ns := float64(threadCPU(b)-start) / float64(reps*executed)
			if round == 0 || ns < best[i] {
				best[i] = ns
			}
		}
	}
	for i, e := range engines {
		b.ReportMetric(best[i], e.name+"-cpu-ns/insn")
	}
}
