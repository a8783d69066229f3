package jit

import (
	"errors"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
)

// FuzzJITvsInterp runs the same program on both engines and fails if they
// differ in anything: r0, the error (as text: the same kind at the same
// instruction, worded the same), the context and regions left behind. The
// program is either raw bytecode (raw) or, far more often valid, built
// from 8 bytes per instruction by shape. Small budgets make ErrBudget land
// anywhere in a program, which checks the per-segment charge (segment.go)
// for exactness. Seeds: the hand-written programs of programs_test.go as
// bytecode, and testdata/fuzz/FuzzJITvsInterp.
func FuzzJITvsInterp(f *testing.F) {
	for _, p := range programs {
		insns := mustAssemble(f, p.src)
		f.Add(ebpf.Encode(nil, insns), programContext(), uint16(0xffff), true)
	}
	f.Add([]byte("\x07\x01\x00\x05\x00\x00\x00\x00\x15\x01\xfe\x00\x00\x00\x00\x00"), []byte{1, 2, 3}, uint16(100), false)
	f.Fuzz(func(t *testing.T, code, ctx []byte, budget uint16, raw bool) {
		if len(ctx) > 256 || len(code) > 8*256 {
			return
		}
		insns := shapedProgram(code)
		if raw {
			var err error
			if insns, err = ebpf.Decode(code); err != nil {
				return
			}
		}
		s := setup{ctx: ctx, regions: fuzzRegions(), helpers: fuzzHelpers, budget: 1 + uint64(budget)%4000}
		if budget&0x8000 != 0 {
			s.budget = 1 << 20
		}
		want := runInterp(insns, s)
		got, _ := runJIT(insns, s)
		if d := differ(want, got); d != "" {
			t.Fatalf("%s\nbudget %d, context % x", d, s.budget, ctx)
		}
		var re *interp.RunError
		if got.err != nil && errors.As(got.err, &re) && (re.Index < 0 || re.Index >= len(insns)) {
			t.Fatalf("error outside the program: %v", got.err)
		}
	})
}

var fuzzHelpers = map[int32]interp.Helper{
	1: func(_ *interp.Env, r1, _, _, _, _ uint64) (uint64, error) { return r1, nil },
	2: func(env *interp.Env, r1, r2, _, _, _ uint64) (uint64, error) {
		b, err := env.Load(r1, int(r2&0xff))
		return uint64(len(b)), err
	},
	3: testHelpers[2], // stores r2 at r1
	4: testHelpers[3], // fails on an odd r1
}

func fuzzRegions() []interp.Region {
	return []interp.Region{
		{Name: "rw", Data: make([]byte, 40)},
		{Name: "ro", Data: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, ReadOnly: true},
	}
}

// The registers the shaped prologue points at memory: r9 at the context,
// r7 at the writable region, r8 at the read-only one. Shaped instructions
// may overwrite them; memory instructions prefer them as bases.
const (
	ctxBase = 9
	rwBase  = 7
	roBase  = 8
)

// shapedProgram is a prologue, then one instruction per 8 bytes of raw
// (at most 256), then exit.
func shapedProgram(raw []byte) []ebpf.Instruction {
	n := min(len(raw)/8, 256)
	insns := []ebpf.Instruction{
		{Opcode: uint8(ebpf.ClassALU64) | uint8(ebpf.ALUMov) | uint8(ebpf.SourceX), Dst: ctxBase, Src: 1},
		lddw(rwBase, interp.RegionAddr(0)),
		lddw(roBase, interp.RegionAddr(1)),
	}
	first := len(insns)
	targets := make([]int, 0, n+1) // instruction index each branch aims at, or -1
	for i := range n {
		ins, target := shape(raw[8*i:8*i+8], i, n+1)
		insns = append(insns, ins)
		if target >= 0 {
			target += first
		}
		targets = append(targets, target)
	}
	insns = append(insns, ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpExit)})
	aim(insns, first, targets)
	return insns
}

// aim turns the instruction targets of branches into slot offsets (lddw
// takes two slots).
func aim(insns []ebpf.Instruction, first int, targets []int) {
	slot := make([]int, len(insns)+1)
	for i, ins := range insns {
		slot[i+1] = slot[i] + ins.Slots()
	}
	for k, t := range targets {
		if t < 0 {
			continue
		}
		i := first + k
		d := slot[t] - slot[i] - 1
		switch ins := &insns[i]; {
		case ins.IsLocalCall() || ins.Class() == ebpf.ClassJMP32 && ins.JumpOp() == ebpf.JumpA:
			ins.Imm = int32(d)
		default:
			ins.Offset = int16(d)
		}
	}
}

func lddw(dst uint8, v uint64) ebpf.Instruction {
	return ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: dst, Imm: int32(v), Imm64: int64(v)}
}

// fuzzOpcodes are the opcodes RFC 9669 defines (some only with fields
// shape sets), memory ones twice so that programs touch memory often.
var fuzzOpcodes = func() (ops []uint8) {
	for _, c := range []ebpf.Class{ebpf.ClassALU, ebpf.ClassALU64, ebpf.ClassJMP, ebpf.ClassJMP32} {
		for op := 0; op <= 0xd0; op += 0x10 {
			ops = append(ops, uint8(c)|uint8(op), uint8(c)|uint8(op)|uint8(ebpf.SourceX))
		}
	}
	for range 2 {
		for _, s := range []ebpf.Size{ebpf.SizeB, ebpf.SizeH, ebpf.SizeW, ebpf.SizeDW} {
			ops = append(ops, uint8(ebpf.ClassLDX)|uint8(ebpf.ModeMEM)|uint8(s),
				uint8(ebpf.ClassST)|uint8(ebpf.ModeMEM)|uint8(s), uint8(ebpf.ClassSTX)|uint8(ebpf.ModeMEM)|uint8(s))
			if s != ebpf.SizeDW {
				ops = append(ops, uint8(ebpf.ClassLDX)|uint8(ebpf.ModeMEMSX)|uint8(s),
					uint8(ebpf.ClassLD)|uint8(ebpf.ModeABS)|uint8(s), uint8(ebpf.ClassLD)|uint8(ebpf.ModeIND)|uint8(s))
			}
			if s == ebpf.SizeW || s == ebpf.SizeDW {
				ops = append(ops, uint8(ebpf.ClassSTX)|uint8(ebpf.ModeATOMIC)|uint8(s))
			}
		}
	}
	return append(ops, ebpf.OpLDDW)
}()

// specialImms are immediates at the edges of arithmetic.
var specialImms = []int32{0, 1, -1, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 16, 8}

// shape turns 8 bytes into instruction i of n: a defined opcode, the
// fields it leaves unused zeroed, branches aimed inside the program
// (target, an index of the shaped part, or -1 if it does not branch).
func shape(b []byte, i, n int) (ebpf.Instruction, int) {
	ins := ebpf.Instruction{
		Opcode: fuzzOpcodes[int(b[0])%len(fuzzOpcodes)],
		Dst:    b[1] % 10,
		Src:    b[1] >> 4 % 11,
		Imm:    int32(int8(b[3])) << (b[4] & 31),
	}
	if b[4]&0xe0 == 0xe0 {
		ins.Imm = specialImms[int(b[3])%len(specialImms)]
	}
	switch ins.Class() {
	case ebpf.ClassALU, ebpf.ClassALU64:
		shapeALU(&ins, b)
		return ins, -1
	case ebpf.ClassJMP, ebpf.ClassJMP32:
		return shapeJump(&ins, b, int(b[2])%n)
	}
	if ins.IsLDDW() {
		ins.Src, ins.Imm64 = 0, int64(ins.Imm)<<(b[5]&31)
		ins.Imm = int32(ins.Imm64)
		return ins, -1
	}
	shapeMemory(&ins, b)
	return ins, -1
}

func shapeALU(ins *ebpf.Instruction, b []byte) {
	switch {
	case ins.ALUOp() == ebpf.ALUEnd:
		ins.Src, ins.Imm = 0, []int32{16, 32, 64}[b[5]%3]
		if ins.Class() == ebpf.ClassALU64 {
			ins.Opcode &^= uint8(ebpf.SourceX)
		}
	case ins.ALUOp() == ebpf.ALUNeg:
		ins.Opcode &^= uint8(ebpf.SourceX)
		ins.Src, ins.Imm = 0, 0
	case ins.Source() == ebpf.SourceK:
		ins.Src = 0
	default:
		ins.Imm = 0
	}
	switch {
	case ins.ALUOp() == ebpf.ALUDiv || ins.ALUOp() == ebpf.ALUMod:
		ins.Offset = int16(b[5] & 1)
	case ins.ALUOp() == ebpf.ALUMov && ins.Source() == ebpf.SourceX && ins.Class() == ebpf.ClassALU64:
		ins.Offset = []int16{0, 8, 16, 32}[b[5]%4]
	case ins.ALUOp() == ebpf.ALUMov && ins.Source() == ebpf.SourceX:
		ins.Offset = []int16{0, 8, 16}[b[5]%3]
	}
}

func shapeJump(ins *ebpf.Instruction, b []byte, target int) (ebpf.Instruction, int) {
	switch ins.JumpOp() {
	case ebpf.JumpA:
		*ins = ebpf.Instruction{Opcode: ins.Opcode &^ uint8(ebpf.SourceX)}
	case ebpf.JumpCall:
		*ins = ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpCall), Imm: int32(b[5]%4 + 1)}
		if b[6]&1 == 0 {
			ins.Src = ebpf.PseudoCallLocal
			return *ins, target
		}
		return *ins, -1
	case ebpf.JumpExit:
		return ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpExit)}, -1
	case ebpf.JumpSet, ebpf.JumpEq, ebpf.JumpNE:
		if ins.Source() == ebpf.SourceX {
			ins.Imm = 0
		} else {
			ins.Src = 0
		}
	default:
		if ins.Source() == ebpf.SourceX {
			ins.Imm = 0
		} else {
			ins.Src = 0
		}
	}
	return *ins, target
}

// shapeMemory picks a base that usually points somewhere: the frame (at
// offsets in it and around it, aligned or not), the context, a region.
func shapeMemory(ins *ebpf.Instruction, b []byte) {
	base := []uint8{ebpf.R10, ebpf.R10, ebpf.R10, ctxBase, ctxBase, rwBase, roBase, b[1] >> 4 % 11}[b[6]%8]
	off := int16(b[2]%48) - 4
	if base == ebpf.R10 {
		off = -int16(b[2])*2 - int16(b[5]&1)
		if b[5]&2 != 0 {
			off &^= 7
		}
	}
	switch {
	case ins.Class() == ebpf.ClassLD: // legacy packet loads
		ins.Dst, ins.Offset = 0, 0
		ins.Imm = int32(b[2]%48) - 4
		if ins.Mode() == ebpf.ModeABS {
			ins.Src = 0
		}
	case ins.Class() == ebpf.ClassLDX:
		ins.Imm, ins.Src, ins.Offset = 0, base, off
	case ins.Class() == ebpf.ClassST:
		ins.Src, ins.Dst, ins.Offset = 0, base, off
	case ins.Mode() == ebpf.ModeATOMIC:
		ins.Imm = []int32{0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1}[b[5]%10]
		ins.Dst, ins.Src, ins.Offset = base, b[1]>>4%10, off&^int16(b[7]&4)
	default:
		ins.Imm, ins.Dst, ins.Offset = 0, base, off
	}
}
