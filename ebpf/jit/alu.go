package jit

// Arithmetic, RFC 9669 §4.1-4.2, with interp's semantics (alu.go, run.go):
//
//   - ALU (32-bit) operations use the 32-bit x86 forms, whose results the
//     processor zero-extends: the upper half is cleared as RFC 9669 says,
//     with no extra instruction (shifts by a register aside: shiftCL).
//   - Shift counts: x86 masks them to 5 or 6 bits, exactly RFC 9669's &31
//     and &63. A count in a register must be in CL; r2 lives in RCX, so a
//     shift by another register parks RCX in RAX for the instruction.
//   - Division and modulo test for the two cases where DIV and IDIV fault
//     (#DE would kill the Go runtime): a zero divisor gives 0 (div) or
//     leaves dst (mod, truncated in ALU); a signed division by -1 is a
//     negation (INT_MIN / -1 = INT_MIN) and its remainder 0. With an
//     immediate divisor both are decided here; the divisor is then loaded
//     into R12 (the fuel, saved in machine.tmp around it), as RAX and RDX
//     are the dividend.
//   - Multiplication keeps the low 64 (32) bits, the same signed or not.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
	x86 "github.com/deepsys/deepsys/internal/amd64"
)

// group1 maps the ALU operations that are one x86 group 1 instruction.
var group1 = map[ebpf.ALUOp]x86.ALUOp{
	ebpf.ALUAdd: x86.Add, ebpf.ALUSub: x86.Sub, ebpf.ALUOr: x86.Or, ebpf.ALUAnd: x86.And, ebpf.ALUXor: x86.Xor,
}

var shifts = map[ebpf.ALUOp]x86.ShiftOp{ebpf.ALULsh: x86.Shl, ebpf.ALURsh: x86.Shr, ebpf.ALUArsh: x86.Sar}

func width(c ebpf.Class) x86.Width {
	if c == ebpf.ClassALU64 || c == ebpf.ClassJMP {
		return x86.W64
	}
	return x86.W32
}

// alu emits ALU or ALU64 instruction i.
func (g *gen) alu(ins ebpf.Instruction) {
	a := &g.a
	w := width(ins.Class())
	d := reg(ins.Dst)
	k := ins.Source() == ebpf.SourceK
	op := ins.ALUOp()
	x, isGroup1 := group1[op]
	_, isShift := shifts[op]
	switch {
	case isGroup1 && k:
		a.ALURI(x, w, d, ins.Imm)
	case isGroup1:
		a.ALURR(x, w, d, g.read(ins.Src, x86.RAX))
	case isShift:
		g.shift(ins, w, d)
	case op == ebpf.ALUMov:
		g.mov(ins, w, d)
	case op == ebpf.ALUMul && k:
		a.ImulRRI(w, d, d, ins.Imm)
	case op == ebpf.ALUMul:
		a.ImulRR(w, d, g.read(ins.Src, x86.RAX))
	case op == ebpf.ALUNeg:
		a.Neg(w, d)
	case op == ebpf.ALUDiv || op == ebpf.ALUMod:
		g.divMod(ins, w, d)
	case op == ebpf.ALUEnd:
		g.byteSwap(ins, d)
	default:
		panic(fmt.Sprintf("BUG: jit: validated ALU operation %#x has no code", op))
	}
}

// mov: mov, movsx (offset 8, 16, 32 in the register form) and lddw.
func (g *gen) mov(ins ebpf.Instruction, w x86.Width, d x86.Reg) {
	a := &g.a
	switch {
	case ins.Source() == ebpf.SourceK && w == x86.W64:
		a.MovRI(x86.W64, d, int64(ins.Imm))
	case ins.Source() == ebpf.SourceK:
		a.MovRI(x86.W32, d, int64(uint32(ins.Imm)))
	case ins.Offset != 0:
		from := map[int16]x86.Width{8: x86.W8, 16: x86.W16, 32: x86.W32}[ins.Offset]
		a.MovsxRR(from, w, d, g.read(ins.Src, x86.RAX))
	default:
		if s := g.read(ins.Src, x86.RAX); s != d || w == x86.W32 {
			a.MovRR(w, d, s)
		}
	}
}

func (g *gen) lddw(ins ebpf.Instruction) { g.a.MovRI(x86.W64, reg(ins.Dst), ins.Imm64) }

func (g *gen) shift(ins ebpf.Instruction, w x86.Width, d x86.Reg) {
	a := &g.a
	op := shifts[ins.ALUOp()]
	if ins.Source() == ebpf.SourceK {
		n := uint8(ins.Imm) & uint8(w.Bits()-1)
		switch {
		case n != 0:
			a.ShiftRI(op, w, d, n)
		case w == x86.W32:
			a.MovRR(x86.W32, d, d)
		}
		return
	}
	s := g.read(ins.Src, x86.RDX)
	if s == x86.RCX {
		g.shiftCL(op, w, d)
		return
	}
	// RAX keeps RCX; if dst is RCX, shift the copy and it comes back as
	// the result.
	a.MovRR(x86.W64, x86.RAX, x86.RCX)
	a.MovRR(x86.W32, x86.RCX, s)
	if d == x86.RCX {
		d = x86.RAX
	}
	g.shiftCL(op, w, d)
	a.MovRR(x86.W64, x86.RCX, x86.RAX)
}

// shiftCL shifts d by CL. At 32 bits a count of 0 still zero-extends on
// the processors tried (TestALU), but the SDM does not say so outright for
// a zero count, so a mov r32, r32 (free where the processor eliminates
// moves) makes sure.
func (g *gen) shiftCL(op x86.ShiftOp, w x86.Width, d x86.Reg) {
	g.a.ShiftRCL(op, w, d)
	if w == x86.W32 {
		g.a.MovRR(x86.W32, d, d)
	}
}

// byteSwap: END to little-endian truncates on this machine, to big-endian
// and ALU64's bswap reverse the low imm bits and zero the rest.
func (g *gen) byteSwap(ins ebpf.Instruction, d x86.Reg) {
	a := &g.a
	toLE := ins.Class() == ebpf.ClassALU && ins.Source() == ebpf.ToLE
	switch {
	case toLE && ins.Imm == 16:
		a.MovzxRR(x86.W16, d, d)
	case toLE && ins.Imm == 32:
		a.MovRR(x86.W32, d, d)
	case toLE: // 64: nothing to do
	case ins.Imm == 16:
		a.ShiftRI(x86.Rol, x86.W16, d, 8)
		a.MovzxRR(x86.W16, d, d)
	case ins.Imm == 32:
		a.Bswap(x86.W32, d)
	default:
		a.Bswap(x86.W64, d)
	}
}

// divMod: DIV, MOD and their signed forms (offset 1).
func (g *gen) divMod(ins ebpf.Instruction, w x86.Width, d x86.Reg) {
	a := &g.a
	signed, mod := ins.Offset == 1, ins.ALUOp() == ebpf.ALUMod
	var s x86.Reg
	var zero, negOne, done x86.Label
	if ins.Source() == ebpf.SourceK {
		switch {
		case w == x86.W64 && ins.Imm == 0 || w == x86.W32 && uint32(ins.Imm) == 0:
			g.divByZero(w, d, mod)
			return
		case signed && ins.Imm == -1:
			g.divByNegOne(w, d, mod)
			return
		}
		s = g.borrowFuelReg()
		if w == x86.W64 {
			a.MovRI(x86.W64, s, int64(ins.Imm))
		} else {
			a.MovRI(x86.W32, s, int64(uint32(ins.Imm)))
		}
	} else {
		s = regs[ins.Src]
		if ins.Src == ebpf.R10 {
			s = g.borrowFuelReg()
			g.read(ins.Src, s)
		}
		zero, negOne, done = a.NewLabel(), a.NewLabel(), a.NewLabel()
		a.TestRR(w, s, s)
		a.Jcc(x86.E, zero)
		if signed {
			a.ALURI(x86.Cmp, w, s, -1)
			a.Jcc(x86.E, negOne)
		}
	}
	a.MovRR(x86.W64, x86.RAX, d)
	switch {
	case signed && w == x86.W64:
		a.Cqo()
		a.Idiv(w, s)
	case signed:
		a.Cdq()
		a.Idiv(w, s)
	default:
		a.ALURR(x86.Xor, x86.W32, x86.RDX, x86.RDX)
		a.Div(w, s)
	}
	if mod {
		a.MovRR(w, d, x86.RDX)
	} else {
		a.MovRR(w, d, x86.RAX)
	}
	if ins.Source() == ebpf.SourceX {
		a.Jmp(done)
		a.Bind(zero)
		g.divByZero(w, d, mod)
		a.Jmp(done)
		a.Bind(negOne)
		if signed {
			g.divByNegOne(w, d, mod)
		}
		a.Bind(done)
	}
	if s == fuelReg {
		a.MovRM(x86.W64, fuelReg, ctx(offTmp))
	}
}

// borrowFuelReg saves the fuel register in machine.tmp for use as a third
// scratch register; the caller restores it.
func (g *gen) borrowFuelReg() x86.Reg {
	g.a.MovMR(x86.W64, ctx(offTmp), fuelReg)
	return fuelReg
}

// divByZero: x / 0 = 0; x % 0 = x (truncated to 32 bits in ALU).
func (g *gen) divByZero(w x86.Width, d x86.Reg, mod bool) {
	switch {
	case !mod:
		g.a.MovRI(x86.W32, d, 0)
	case w == x86.W32:
		g.a.MovRR(x86.W32, d, d)
	}
}

// divByNegOne: x s/ -1 = -x (INT_MIN stays INT_MIN); x s% -1 = 0.
func (g *gen) divByNegOne(w x86.Width, d x86.Reg, mod bool) {
	if mod {
		g.a.MovRI(x86.W32, d, 0)
		return
	}
	g.a.Neg(w, d)
}
