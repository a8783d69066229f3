package interp

// Constructors of ebpf.Instruction values for the tests: one per form, so
// a test reads like the program it runs. They build instructions, they do
// not parse text (that is ebpf/asm's job).

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

func aluK(c ebpf.Class, op ebpf.ALUOp, dst uint8, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(c) | uint8(op) | uint8(ebpf.SourceK), Dst: dst, Imm: imm}
}

func aluX(c ebpf.Class, op ebpf.ALUOp, dst, src uint8) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(c) | uint8(op) | uint8(ebpf.SourceX), Dst: dst, Src: src}
}

func a64(op ebpf.ALUOp, dst uint8, imm int32) ebpf.Instruction {
	return aluK(ebpf.ClassALU64, op, dst, imm)
}
func a64x(op ebpf.ALUOp, dst, src uint8) ebpf.Instruction { return aluX(ebpf.ClassALU64, op, dst, src) }
func a32(op ebpf.ALUOp, dst uint8, imm int32) ebpf.Instruction {
	return aluK(ebpf.ClassALU, op, dst, imm)
}
func a32x(op ebpf.ALUOp, dst, src uint8) ebpf.Instruction { return aluX(ebpf.ClassALU, op, dst, src) }

func mov(dst uint8, imm int32) ebpf.Instruction { return a64(ebpf.ALUMov, dst, imm) }
func movx(dst, src uint8) ebpf.Instruction      { return a64x(ebpf.ALUMov, dst, src) }

// signed sets offset 1 (sdiv, smod) or 8/16/32 (movsx).
func signed(ins ebpf.Instruction, off int16) ebpf.Instruction {
	ins.Offset = off
	return ins
}

// end is END (class ALU, order ToLE or ToBE) or bswap (class ALU64).
func end(c ebpf.Class, order ebpf.Source, dst uint8, width int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(c) | uint8(ebpf.ALUEnd) | uint8(order), Dst: dst, Imm: width}
}

func lddw(dst uint8, v uint64) ebpf.Instruction {
	return ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: dst, Imm: int32(v), Imm64: int64(v)}
}

func jK(c ebpf.Class, op ebpf.JumpOp, dst uint8, imm int32, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(c) | uint8(op) | uint8(ebpf.SourceK), Dst: dst, Imm: imm, Offset: off}
}

func jX(c ebpf.Class, op ebpf.JumpOp, dst, src uint8, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(c) | uint8(op) | uint8(ebpf.SourceX), Dst: dst, Src: src, Offset: off}
}

func ja(off int16) ebpf.Instruction    { return jK(ebpf.ClassJMP, ebpf.JumpA, 0, 0, off) }
func gotol(imm int32) ebpf.Instruction { return jK(ebpf.ClassJMP32, ebpf.JumpA, 0, imm, 0) }
func exit() ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpExit)}
}

func call(id int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpCall), Imm: id}
}

func callLocal(off int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpCall), Src: ebpf.PseudoCallLocal, Imm: off}
}

func ldx(size ebpf.Size, dst, src uint8, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassLDX) | uint8(ebpf.ModeMEM) | uint8(size), Dst: dst, Src: src, Offset: off}
}

func ldxsx(size ebpf.Size, dst, src uint8, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassLDX) | uint8(ebpf.ModeMEMSX) | uint8(size), Dst: dst, Src: src, Offset: off}
}

func st(size ebpf.Size, dst uint8, off int16, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassST) | uint8(ebpf.ModeMEM) | uint8(size), Dst: dst, Offset: off, Imm: imm}
}

func stx(size ebpf.Size, dst, src uint8, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassSTX) | uint8(ebpf.ModeMEM) | uint8(size), Dst: dst, Src: src, Offset: off}
}

func atomicOp(size ebpf.Size, aop ebpf.AtomicOp, dst, src uint8, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassSTX) | uint8(ebpf.ModeATOMIC) | uint8(size), Dst: dst, Src: src, Offset: off, Imm: int32(aop)}
}

func ldAbs(size ebpf.Size, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassLD) | uint8(ebpf.ModeABS) | uint8(size), Imm: imm}
}

func ldInd(size ebpf.Size, src uint8, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassLD) | uint8(ebpf.ModeIND) | uint8(size), Src: src, Imm: imm}
}

// prog is shorthand for a program literal.
func prog(insns ...ebpf.Instruction) []ebpf.Instruction { return insns }

// run compiles and runs insns over ctx and fails the test on any error.
func run(t testing.TB, insns []ebpf.Instruction, ctx []byte, opts Options) uint64 {
	t.Helper()
	p, err := Compile(insns, opts)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	r0, err := p.Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r0
}

// runErr compiles insns and returns Run's error (nil if none).
func runErr(t testing.TB, insns []ebpf.Instruction, ctx []byte, opts Options) (uint64, error) {
	t.Helper()
	p, err := Compile(insns, opts)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p.Run(ctx)
}
