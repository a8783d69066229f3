package amd64

import "fmt"

// Integer arithmetic and logic with two operands (ADD, OR, ADC, SBB, AND,
// SUB, XOR, CMP: the "group 1" instructions), TEST, NEG and NOT.
//
// Group 1 shares one opcode pattern, n being the operation's number (SDM
// vol. 2D, Table A-2 "One-byte Opcode Map", rows 0-3, and A.4 "Opcode
// Extensions For One-Byte And Two-byte Opcodes", group 1):
//
//	n*8+0/1  op r/m, r       (8-bit, wider)
//	n*8+2/3  op r, r/m
//	n*8+4/5  op al/eax, imm  (no ModRM: one byte shorter)
//	80 /n ib, 81 /n iw/id, 83 /n ib (imm8 sign-extended)
//
// With an immediate the encoder picks the shortest form: 83 with imm8 when
// the value fits in a signed byte, else the accumulator form for RAX, else
// 81. TEST has no sign-extended imm8 form (F6/F7 /0, A8/A9 for RAX), and the
// encoder does not narrow "test rax, 1" to "test al, 1": the flags would
// differ.
//
// Every operation writes the flags; at W32 the result is zero-extended to
// 64 bits (CMP and TEST write nothing but flags).

// ALUOp is a group 1 operation; its value is n above.
type ALUOp uint8

// The group 1 operations.
const (
	Add ALUOp = iota
	Or
	Adc
	Sbb
	And
	Sub
	Xor
	Cmp
)

var aluNames = [8]string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}

func (op ALUOp) String() string {
	if op > Cmp {
		return fmt.Sprintf("ALUOp(%d)", uint8(op))
	}
	return aluNames[op]
}

// ALURR is op dst, src.
func (a *Assembler) ALURR(op ALUOp, w Width, dst, src Reg) {
	if a.okALU(op, w, dst, src) {
		a.rr(inst{w: w, op: byteOp(w, opc(op)*8+1), rex: w == W8 && byteREX(dst, src)}, src, dst)
	}
}

// ALURM is op dst, [m].
func (a *Assembler) ALURM(op ALUOp, w Width, dst Reg, m Mem) {
	if a.okALU(op, w, dst) && a.okMem(op.String(), m) {
		a.rm(inst{w: w, op: byteOp(w, opc(op)*8+3), rex: w == W8 && byteREX(dst)}, dst, m, 0)
	}
}

// ALUMR is op [m], src.
func (a *Assembler) ALUMR(op ALUOp, w Width, m Mem, src Reg) {
	if a.okALU(op, w, src) && a.okMem(op.String(), m) {
		a.rm(inst{w: w, op: byteOp(w, opc(op)*8+1), rex: w == W8 && byteREX(src)}, src, m, 0)
	}
}

// ALURI is op dst, imm. imm must be a w-bit value, signed or unsigned; at
// W64 it is sign-extended.
func (a *Assembler) ALURI(op ALUOp, w Width, dst Reg, imm int32) {
	if !a.okALU(op, w, dst) || !a.okImm(op.String(), w, int64(imm)) {
		return
	}
	switch {
	case w != W8 && fitsImm8(w, int64(imm)):
		a.rr(inst{w: w, op: 0x83}, digit(byte(op)), dst)
		a.imm(int64(imm), 1)
	case dst == RAX:
		a.prefix(inst{w: w, op: byteOp(w, opc(op)*8+5)}, 0)
		a.imm(int64(imm), immSize(w))
	default:
		a.rr(inst{w: w, op: byteOp(w, 0x81), rex: w == W8 && byteREX(dst)}, digit(byte(op)), dst)
		a.imm(int64(imm), immSize(w))
	}
}

// ALUMI is op [m], imm, with ALURI's immediates.
func (a *Assembler) ALUMI(op ALUOp, w Width, m Mem, imm int32) {
	a.aluMI(false, op, w, m, imm)
}

func (a *Assembler) aluMI(lock bool, op ALUOp, w Width, m Mem, imm int32) {
	if !a.okALU(op, w) || !a.okMem(op.String(), m) || !a.okImm(op.String(), w, int64(imm)) {
		return
	}
	if w != W8 && fitsImm8(w, int64(imm)) {
		a.rm(inst{w: w, lock: lock, op: 0x83}, digit(byte(op)), m, 1)
		a.imm(int64(imm), 1)
		return
	}
	a.rm(inst{w: w, lock: lock, op: byteOp(w, 0x81)}, digit(byte(op)), m, immSize(w))
	a.imm(int64(imm), immSize(w))
}

func (a *Assembler) okALU(op ALUOp, w Width, regs ...Reg) bool {
	if op > Cmp {
		a.fail(op.String(), "no such operation")
		return false
	}
	return a.ok(op.String(), w, anyWidth, regs...)
}

// TestRR sets the flags from x AND y (test x, y).
func (a *Assembler) TestRR(w Width, x, y Reg) {
	if a.ok("test", w, anyWidth, x, y) {
		a.rr(inst{w: w, op: byteOp(w, 0x85), rex: w == W8 && byteREX(x, y)}, y, x)
	}
}

// TestMR sets the flags from [m] AND r.
func (a *Assembler) TestMR(w Width, m Mem, r Reg) {
	if a.ok("test", w, anyWidth, r) && a.okMem("test", m) {
		a.rm(inst{w: w, op: byteOp(w, 0x85), rex: w == W8 && byteREX(r)}, r, m, 0)
	}
}

// TestRI sets the flags from r AND imm (imm as in ALURI).
func (a *Assembler) TestRI(w Width, r Reg, imm int32) {
	if !a.ok("test", w, anyWidth, r) || !a.okImm("test", w, int64(imm)) {
		return
	}
	if r == RAX {
		a.prefix(inst{w: w, op: byteOp(w, 0xa9)}, 0)
	} else {
		a.rr(inst{w: w, op: byteOp(w, 0xf7), rex: w == W8 && byteREX(r)}, digit(0), r)
	}
	a.imm(int64(imm), immSize(w))
}

// TestMI sets the flags from [m] AND imm.
func (a *Assembler) TestMI(w Width, m Mem, imm int32) {
	if a.ok("test", w, anyWidth) && a.okMem("test", m) && a.okImm("test", w, int64(imm)) {
		a.rm(inst{w: w, op: byteOp(w, 0xf7)}, digit(0), m, immSize(w))
		a.imm(int64(imm), immSize(w))
	}
}

// Neg negates r (two's complement; F6/F7 /3).
func (a *Assembler) Neg(w Width, r Reg) { a.group3("neg", 3, anyWidth, w, r) }

// Not complements every bit of r (F6/F7 /2); unlike the others it leaves
// the flags alone.
func (a *Assembler) Not(w Width, r Reg) { a.group3("not", 2, anyWidth, w, r) }

// group3 appends F6/F7 /d r, the unary "group 3" instructions.
func (a *Assembler) group3(name string, d byte, allowed, w Width, r Reg) {
	if a.ok(name, w, allowed, r) {
		a.rr(inst{w: w, op: byteOp(w, 0xf7), rex: w == W8 && byteREX(r)}, digit(d), r)
	}
}
