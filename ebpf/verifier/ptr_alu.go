package verifier

// ALU instructions on registers (the kernel's check_alu_op,
// adjust_reg_min_max_vals and adjust_ptr_min_max_vals).
//
//  1. Numbers: scalar_alu.go's transfer functions. A division or modulo
//     by the immediate 0 is refused ("div by zero"); by a register that
//     may be 0 it is allowed, since the instruction is defined then (the
//     result is 0, or dst unchanged for modulo). A shift by an immediate
//     at least the width is refused ("invalid shift N").
//  2. mov copies a register whole, pointer or number; a copied scalar and
//     its source share an ID so that a later branch on one bounds both.
//  3. Pointer arithmetic is add and sub of a number, 64-bit only. A
//     pointer that may be NULL must be checked first; pkt_end and map
//     pointers take no arithmetic at all. A known number moves the fixed
//     offset, an unknown one the variable part (and gives a packet
//     pointer a new ID and no proved range: the range was proved for
//     the old offset). Offsets are kept within +-2^29 (BPF_MAX_VAR_OFF).
//  4. As root (allow_ptr_leaks) pointer - pointer, and 32-bit sub on
//     pointers, give an unknown number; any other operation on a pointer
//     is refused, except neg and byte swaps, which as root simply give a
//     number.

import (
	"math"

	"github.com/deepsys/deepsys/ebpf"
)

// maxVarOff is BPF_MAX_VAR_OFF: the largest offset a pointer may carry.
const maxVarOff = 1 << 29

var aluNames = map[ebpf.ALUOp]string{
	ebpf.ALUAdd: "+=", ebpf.ALUSub: "-=", ebpf.ALUMul: "*=", ebpf.ALUDiv: "/=", ebpf.ALUOr: "|=",
	ebpf.ALUAnd: "&=", ebpf.ALULsh: "<<=", ebpf.ALURsh: ">>=", ebpf.ALUNeg: "neg", ebpf.ALUMod: "%=",
	ebpf.ALUXor: "^=", ebpf.ALUMov: "=", ebpf.ALUArsh: "s>>=", ebpf.ALUEnd: "endian",
}

func (e *env) alu(s *state, ins ebpf.Instruction) error {
	op, width := ins.ALUOp(), 64
	if ins.Class() == ebpf.ClassALU {
		width = 32
	}
	dst := s.reg(ins.Dst)
	var src Reg
	switch {
	case op == ebpf.ALUNeg || op == ebpf.ALUEnd:
		if _, err := readReg(s, ins.Dst); err != nil {
			return err
		}
		if dst.Type.IsPointer() {
			*dst = unknownReg()
			return nil
		}
		if op == ebpf.ALUEnd {
			*dst = scalarReg(byteSwap(dst.Num, ins))
			return nil
		}
		*dst = scalarReg(ALU(op, ins.Offset, dst.Num, ConstScalar(0), width))
		return nil
	case ins.Source() == ebpf.SourceX:
		r, err := readReg(s, ins.Src)
		if err != nil {
			return err
		}
		src = *r
	default:
		src = constReg(uint64(int64(ins.Imm)))
		if err := checkImm(op, ins, width); err != nil {
			return err
		}
	}
	if op == ebpf.ALUMov {
		return e.mov(s, ins, src, width)
	}
	if _, err := readReg(s, ins.Dst); err != nil {
		return err
	}
	if dst.Type.IsPointer() || src.Type.IsPointer() {
		return e.ptrALU(s, ins, op, width, src)
	}
	*dst = scalarReg(ALU(op, ins.Offset, dst.Num, src.Num, width))
	return nil
}

// byteSwap keeps a swap of a constant constant, else the result of
// truncation to the width (le on this host) or unknown.
func byteSwap(n Scalar, ins ebpf.Instruction) Scalar {
	v, ok := n.IsConst()
	if !ok {
		if ins.Class() == ebpf.ClassALU && ins.Source() == ebpf.ToLE && ins.Imm < 64 {
			s := UnknownScalar()
			s.U = urange{0, uint64(1)<<ins.Imm - 1}
			s.Sync()
			return s
		}
		return UnknownScalar()
	}
	return ConstScalar(swapConst(v, ins))
}

func swapConst(v uint64, ins ebpf.Instruction) uint64 {
	w := int(ins.Imm)
	if ins.Class() == ebpf.ClassALU && ins.Source() == ebpf.ToLE {
		if w == 64 {
			return v
		}
		return v & (uint64(1)<<w - 1)
	}
	var r uint64
	for i := 0; i < w/8; i++ {
		r = r<<8 | (v>>(8*i))&0xff
	}
	return r
}

// checkImm is step 1's immediate checks.
func checkImm(op ebpf.ALUOp, ins ebpf.Instruction, width int) error {
	switch op {
	case ebpf.ALUDiv, ebpf.ALUMod:
		if ins.Imm == 0 {
			return fail("div by zero")
		}
	case ebpf.ALULsh, ebpf.ALURsh, ebpf.ALUArsh:
		if ins.Imm < 0 || int(ins.Imm) >= width {
			return fail("invalid shift %d", ins.Imm)
		}
	}
	return nil
}

// mov is step 2.
func (e *env) mov(s *state, ins ebpf.Instruction, src Reg, width int) error {
	dst := s.reg(ins.Dst)
	if src.Type.IsPointer() {
		if width == 32 || ins.Offset != 0 {
			*dst = unknownReg() // root: a truncated pointer is a number
			if width == 32 {
				dst.Num = UnknownScalar().zext()
				dst.Num.Sync()
			}
			return nil
		}
		*dst = src
		return nil
	}
	if ins.Source() == ebpf.SourceX && width == 64 && ins.Offset == 0 {
		if _, ok := src.Num.IsConst(); !ok && src.ID == 0 {
			src.ID = e.newID()
			*s.reg(ins.Src) = src
		}
		*dst = src
		return nil
	}
	*dst = scalarReg(ALU(ebpf.ALUMov, ins.Offset, dst.Num, src.Num, width))
	return nil
}

// ptrALU is steps 3-4.
func (e *env) ptrALU(s *state, ins ebpf.Instruction, op ebpf.ALUOp, width int, src Reg) error {
	dst := s.reg(ins.Dst)
	if dst.Type.IsPointer() && src.Type.IsPointer() {
		if op == ebpf.ALUSub && !e.opts.Unprivileged {
			*dst = unknownReg()
			return nil
		}
		return fail("R%d pointer %s pointer prohibited", ins.Dst, aluNames[op])
	}
	if width == 32 {
		if op == ebpf.ALUSub && !e.opts.Unprivileged {
			*dst = unknownReg()
			return nil
		}
		return fail("R%d 32-bit pointer arithmetic prohibited", ins.Dst)
	}
	ptr, off := *dst, src
	if src.Type.IsPointer() { // scalar += pointer
		if op == ebpf.ALUSub {
			return fail("R%d tried to subtract pointer from scalar", ins.Dst)
		}
		ptr, off = src, *dst
	}
	switch op {
	case ebpf.ALUAdd, ebpf.ALUSub:
	case ebpf.ALUAnd, ebpf.ALUOr, ebpf.ALUXor:
		return fail("R%d bitwise operator %s on pointer prohibited", ins.Dst, aluNames[op])
	default:
		return fail("R%d pointer arithmetic with %s operator prohibited", ins.Dst, aluNames[op])
	}
	if op == ebpf.ALUSub && ptr.Type == PtrToStack {
		// JITs may not support it (the kernel's test "invalid fp arithmetic")
		return fail("R%d subtraction from stack pointer prohibited", ins.Dst)
	}
	if ptr.Type.MaybeNull() {
		return fail("R%d pointer arithmetic on %v prohibited, null-check it first", ins.Dst, ptr.Type)
	}
	if ptr.Type == PtrToPacketEnd || ptr.Type == ConstPtrToMap {
		if v, ok := off.Num.IsConst(); !(ok && v == 0 && ptr.Type == ConstPtrToMap && op == ebpf.ALUAdd) {
			return fail("R%d pointer arithmetic on %v prohibited", ins.Dst, ptr.Type)
		}
	}
	r, err := e.movePointer(ptr, off.Num, op == ebpf.ALUSub, ins.Dst)
	if err != nil {
		return err
	}
	*dst = r
	return nil
}

// movePointer adds (or subtracts) n to ptr's offset (step 3).
func (e *env) movePointer(ptr Reg, n Scalar, sub bool, regno uint8) (Reg, error) {
	if v, ok := n.IsConst(); ok {
		c := int64(v)
		if sub {
			if c == math.MinInt64 {
				return Reg{}, fail("R%d tried to subtract %d, which is out of range", regno, c)
			}
			c = -c
		}
		off := int64(ptr.Off) + c
		if c <= -maxVarOff || c >= maxVarOff || off <= -maxVarOff || off >= maxVarOff {
			return Reg{}, fail("R%d pointer arithmetic out of range: offset %d", regno, off)
		}
		ptr.Off = int32(off)
		return ptr, nil
	}
	if n.S.min == math.MinInt64 {
		return Reg{}, fail("math between %v pointer and register with unbounded min value is not allowed", ptr.Type)
	}
	if n.S.min >= maxVarOff || n.S.min <= -maxVarOff {
		return Reg{}, fail("value %d makes %v pointer be out of bounds", n.S.min, ptr.Type)
	}
	if sub {
		ptr.Num = ALU(ebpf.ALUSub, 0, ptr.Num, n, 64)
	} else {
		ptr.Num = ALU(ebpf.ALUAdd, 0, ptr.Num, n, 64)
	}
	if ptr.Type.isPacket() {
		ptr.ID, ptr.Range = e.newID(), 0
	}
	return ptr, nil
}
