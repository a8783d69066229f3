package amd64

import "fmt"

// Shifts and rotates (the "group 2" instructions) and BSWAP (SDM vol. 2B,
// "SAL/SAR/SHL/SHR—Shift", "RCL/RCR/ROL/ROR—Rotate", "BSWAP—Byte Swap";
// vol. 2D, A.4, group 2).
//
//	D0/D1 /n      op r/m, 1     (the shortest, for a count of 1)
//	C0/C1 /n ib   op r/m, imm8
//	D2/D3 /n      op r/m, cl
//	0F C8+r       bswap r32 / REX.W: r64
//
// The processor masks the count to 5 bits (6 at W64), so "shl eax, cl"
// with CL=33 shifts by 1; a generator with other semantics (Wasm's shift
// counts modulo the width are the same, eBPF's out-of-range counts are
// rejected by its verifier) masks CL itself. An immediate count must be
// below the width in bits. A count of zero leaves the flags alone.
//
// BSWAP has no 16-bit form (its result is undefined); swap the two bytes
// of a 16-bit value with ROL r16, 8.

// ShiftOp is a group 2 operation; its value is the /digit.
type ShiftOp uint8

// The shifts and rotates.
const (
	Rol ShiftOp = 0
	Ror ShiftOp = 1
	Shl ShiftOp = 4
	Shr ShiftOp = 5 // logical: shifts in zeroes
	Sar ShiftOp = 7 // arithmetic: shifts in copies of the sign bit
)

func (op ShiftOp) String() string {
	switch op {
	case Rol:
		return "rol"
	case Ror:
		return "ror"
	case Shl:
		return "shl"
	case Shr:
		return "shr"
	case Sar:
		return "sar"
	}
	return fmt.Sprintf("ShiftOp(%d)", uint8(op))
}

// ShiftRI shifts or rotates dst by the constant n (0 <= n < w.Bits()).
func (a *Assembler) ShiftRI(op ShiftOp, w Width, dst Reg, n uint8) {
	if !a.okShift(op, w, dst) {
		return
	}
	if int(n) >= w.Bits() {
		a.fail(op.String(), "count %d is not below %d", n, w.Bits())
		return
	}
	in := inst{w: w, op: byteOp(w, 0xc1), rex: w == W8 && byteREX(dst)}
	if n == 1 {
		in.op = byteOp(w, 0xd1)
	}
	a.rr(in, digit(byte(op)), dst)
	if n != 1 {
		a.imm(int64(n), 1)
	}
}

// ShiftRCL shifts or rotates dst by CL (masked as above).
func (a *Assembler) ShiftRCL(op ShiftOp, w Width, dst Reg) {
	if a.okShift(op, w, dst) {
		a.rr(inst{w: w, op: byteOp(w, 0xd3), rex: w == W8 && byteREX(dst)}, digit(byte(op)), dst)
	}
}

func (a *Assembler) okShift(op ShiftOp, w Width, dst Reg) bool {
	switch op {
	case Rol, Ror, Shl, Shr, Sar:
		return a.ok(op.String(), w, anyWidth, dst)
	}
	a.fail(op.String(), "no such operation")
	return false
}

// Bswap reverses the byte order of the 32- or 64-bit r (at W32 it
// zero-extends).
func (a *Assembler) Bswap(w Width, r Reg) {
	if a.ok("bswap", w, W32|W64, r) {
		a.plusR(inst{w: w, op: 0x0fc8}, r)
	}
}
