package amd64

// Data movement: MOV in its register, immediate, load and store forms, the
// zero- and sign-extending loads, LEA, PUSH and POP (SDM vol. 2A-2B, the
// pages "MOV—Move", "MOVZX", "MOVSX/MOVSXD", "LEA", "PUSH", "POP").
//
// Opcodes, with the 8-bit form first: 88/89 MOV r/m, r (register to
// register and store); 8A/8B MOV r, r/m (load); B0+r/B8+r MOV r, imm;
// C6/C7 /0 MOV r/m, imm; 0F B6/B7 MOVZX; 0F BE/BF MOVSX; 63 MOVSXD; 8D
// LEA; 50+r PUSH; 58+r POP.

// MovRR copies src to dst (mov dst, src). At W32 it zero-extends to 64 bits.
func (a *Assembler) MovRR(w Width, dst, src Reg) {
	if !a.ok("mov", w, anyWidth, dst, src) {
		return
	}
	a.rr(inst{w: w, op: byteOp(w, 0x89), rex: w == W8 && byteREX(dst, src)}, src, dst)
}

// MovRI loads a constant into dst with the shortest encoding that leaves
// exactly that value in the w-bit register. imm must be a w-bit value,
// signed or unsigned. At W64 there are three forms:
//
//	0 <= imm < 1<<32:  mov r32, imm32    (B8+r id, 5-6 bytes; the 32-bit write zero-extends)
//	-1<<31 <= imm < 0: mov r64, simm32   (REX.W C7 /0 id, 7 bytes; sign-extended)
//	otherwise:         movabs r64, imm64 (REX.W B8+r io, 10 bytes)
//
// It never emits XOR for zero: that would change the flags.
func (a *Assembler) MovRI(w Width, dst Reg, imm int64) {
	if !a.ok("mov", w, anyWidth, dst) || !a.okImm("mov", w, imm) {
		return
	}
	switch {
	case w == W8:
		a.plusR(inst{op: 0xb0, rex: byteREX(dst)}, dst)
		a.imm(imm, 1)
	case w != W64 || imm >= 0 && imm <= 0xffffffff:
		a.plusR(inst{w: min(w, W32), op: 0xb8}, dst)
		a.imm(imm, immSize(w))
	case imm == int64(int32(imm)):
		a.rr(inst{w: W64, op: 0xc7}, digit(0), dst)
		a.imm(imm, 4)
	default:
		a.plusR(inst{w: W64, op: 0xb8}, dst)
		a.imm(imm, 8)
	}
}

// MovRM loads w bits from m into dst (mov dst, [m]). At W32 it zero-extends;
// at W8 and W16 the upper bits of dst are kept (see MovzxRM).
func (a *Assembler) MovRM(w Width, dst Reg, m Mem) {
	if a.ok("mov", w, anyWidth, dst) && a.okMem("mov", m) {
		a.rm(inst{w: w, op: byteOp(w, 0x8b), rex: w == W8 && byteREX(dst)}, dst, m, 0)
	}
}

// MovMR stores the low w bits of src to m (mov [m], src).
func (a *Assembler) MovMR(w Width, m Mem, src Reg) {
	if a.ok("mov", w, anyWidth, src) && a.okMem("mov", m) {
		a.rm(inst{w: w, op: byteOp(w, 0x89), rex: w == W8 && byteREX(src)}, src, m, 0)
	}
}

// MovMI stores a constant of w bits to m (mov [m], imm); at W64 the 32-bit
// imm is sign-extended.
func (a *Assembler) MovMI(w Width, m Mem, imm int32) {
	if !a.ok("mov", w, anyWidth) || !a.okMem("mov", m) || !a.okImm("mov", w, int64(imm)) {
		return
	}
	a.rm(inst{w: w, op: byteOp(w, 0xc7)}, digit(0), m, immSize(w))
	a.imm(int64(imm), immSize(w))
}

// MovzxRR zero-extends the low from bits of src into all 64 bits of dst:
// movzx r32, r8/r16 for W8 and W16 (the 32-bit result zero-extends
// further), mov r32, r32 for W32.
func (a *Assembler) MovzxRR(from Width, dst, src Reg) {
	switch {
	case !a.ok("movzx", from, W8|W16|W32, dst, src):
	case from == W32:
		a.MovRR(W32, dst, src)
	default:
		a.rr(movzx(from, src), dst, src)
	}
}

// MovzxRM loads from bits from m, zero-extended to 64 bits.
func (a *Assembler) MovzxRM(from Width, dst Reg, m Mem) {
	if a.ok("movzx", from, W8|W16|W32, dst) && a.okMem("movzx", m) {
		a.rm(movzx(from, RAX), dst, m, 0)
	}
}

func movzx(from Width, src Reg) inst {
	switch from {
	case W8:
		return inst{op: 0x0fb6, rex: byteREX(src)}
	case W16:
		return inst{op: 0x0fb7}
	}
	return inst{op: 0x8b}
}

// MovsxRR sign-extends the low from bits of src into the low to bits of dst
// (from < to): movsx for W8 and W16, movsxd for W32.
func (a *Assembler) MovsxRR(from, to Width, dst, src Reg) {
	if a.okMovsx(from, to, dst, src) {
		a.rr(movsx(from, to, src), dst, src)
	}
}

// MovsxRM loads from bits from m, sign-extended to to bits.
func (a *Assembler) MovsxRM(from, to Width, dst Reg, m Mem) {
	if a.okMovsx(from, to, dst) && a.okMem("movsx", m) {
		a.rm(movsx(from, to, RAX), dst, m, 0)
	}
}

func (a *Assembler) okMovsx(from, to Width, regs ...Reg) bool {
	if !a.ok("movsx", from, W8|W16|W32, regs...) || !a.ok("movsx", to, wide) {
		return false
	}
	if from >= to {
		a.fail("movsx", "from %d bits to %d bits does not widen", from.Bits(), to.Bits())
		return false
	}
	return true
}

func movsx(from, to Width, src Reg) inst {
	switch from {
	case W8:
		return inst{w: to, op: 0x0fbe, rex: byteREX(src)}
	case W16:
		return inst{w: to, op: 0x0fbf}
	}
	return inst{w: W64, op: 0x63}
}

// Lea sets dst to the address m (lea dst, [m]), computed in 64 bits and
// truncated to w; it does not touch memory or the flags.
func (a *Assembler) Lea(w Width, dst Reg, m Mem) {
	if a.ok("lea", w, W32|W64, dst) && a.okMem("lea", m) {
		a.rm(inst{w: w, op: 0x8d}, dst, m, 0)
	}
}

// Push pushes the 64-bit r.
func (a *Assembler) Push(r Reg) {
	if a.ok("push", W64, W64, r) {
		a.plusR(inst{op: 0x50}, r)
	}
}

// Pop pops 64 bits into r.
func (a *Assembler) Pop(r Reg) {
	if a.ok("pop", W64, W64, r) {
		a.plusR(inst{op: 0x58}, r)
	}
}

// byteOp is op for 16, 32 and 64 bits, or the 8-bit opcode before it.
func byteOp(w Width, op opc) opc {
	if w == W8 {
		return op - 1
	}
	return op
}
