package amd64

// The instruction format, and the one function that writes it.
//
// Every instruction here has the shape (SDM vol. 2A, 2.1 "Instruction
// Format for Protected Mode, Real-Address Mode, and Virtual-8086 Mode",
// Figure 2-1, and 2.2.1 "REX Prefixes"):
//
//	[66] [F0] [REX] opcode(1-3 bytes) [ModRM [SIB] [disp8|disp32]] [imm8|imm16|imm32|imm64]
//
//  1. Legacy prefixes (2.1.1 "Instruction Prefixes"): F0 is LOCK; 66 is the
//     operand-size override, which makes an instruction that defaults to 32
//     bits operate on 16. The order of legacy prefixes does not matter to
//     the processor; GNU as writes 66 before F0, and so do we.
//  2. REX (2.2.1.1 "Encoding", Table 2-4 "REX Prefix Fields") is 0100WRXB
//     and must come last, right before the opcode. W=1 selects 64-bit
//     operands; R, X and B extend ModRM.reg, SIB.index and ModRM.rm (or
//     SIB.base, or the register in a "+r" opcode) to 16 registers. It is
//     written only when a bit is set or a byte operand is SPL, BPL, SIL or
//     DIL (see reg.go). Instructions that default to 64 bits (PUSH, POP,
//     near JMP/CALL through a register, 2.2.1.7 "Default 64-Bit Operand
//     Size") need no REX.W.
//  3. The opcode. The 8-bit form of an instruction usually has its own
//     opcode (one less than the 16/32/64-bit one), and 16/32/64 differ only
//     by the prefixes above.
//  4. ModRM, SIB and displacement: mem.go.
//  5. The immediate (2.2.1.5 "Immediates"): at most 32 bits, sign-extended to
//     64 for 64-bit operations, except MOV r64, imm64 ("movabs"). Where an
//     instruction has an imm8 form that sign-extends, the encoder uses it
//     when the value fits.

// inst is steps 1-3 of one instruction.
type inst struct {
	w    Width // W16: 66 prefix; W64: REX.W; W8 and W32: neither
	lock bool  // F0
	rex  bool  // REX even with no bit set: a byte operand is SPL-DIL
	op   opc
}

// opc is an opcode of one to three bytes, first byte highest: 0x0fb6 is
// 0F B6. (No multi-byte opcode starts with 00.)
type opc uint32

// prefix appends steps 1-3, given the R, X and B bits of the operands.
func (a *Assembler) prefix(in inst, rxb byte) {
	if in.w == W16 {
		a.buf = append(a.buf, 0x66)
	}
	if in.lock {
		a.buf = append(a.buf, 0xf0)
	}
	rex := rxb
	if in.w == W64 {
		rex |= 0b1000
	}
	if rex != 0 || in.rex {
		a.buf = append(a.buf, 0x40|rex)
	}
	switch {
	case in.op > 0xffff:
		a.buf = append(a.buf, byte(in.op>>16), byte(in.op>>8), byte(in.op))
	case in.op > 0xff:
		a.buf = append(a.buf, byte(in.op>>8), byte(in.op))
	default:
		a.buf = append(a.buf, byte(in.op))
	}
}

// rr appends an instruction whose r/m operand is the register rm (mod=11).
// reg is the other register operand or the opcode extension.
func (a *Assembler) rr(in inst, reg, rm Reg) {
	a.prefix(in, reg.REXBit()<<2|rm.REXBit())
	a.buf = append(a.buf, 0b11_000_000|reg.Low3()<<3|rm.Low3())
}

// rm appends an instruction whose r/m operand is m; immLen immediate bytes
// will follow.
func (a *Assembler) rm(in inst, reg Reg, m Mem, immLen int) {
	a.prefix(in, reg.REXBit()<<2|m.rexXB())
	a.modrmMem(reg, m, immLen)
}

// plusR appends an instruction that carries its register in the low three
// bits of the opcode's last byte ("+rb", "+rd", "+ro"), the fourth in REX.B.
func (a *Assembler) plusR(in inst, r Reg) {
	in.op |= opc(r.Low3())
	a.prefix(in, r.REXBit())
}

// imm appends the low n bytes of v, little-endian.
func (a *Assembler) imm(v int64, n int) {
	for i := 0; i < n; i++ {
		a.buf = append(a.buf, byte(v>>(8*i)))
	}
}

// byteREX reports whether any of regs, used as byte registers, needs a REX
// prefix.
func byteREX(regs ...Reg) bool {
	for _, r := range regs {
		if r.byteNeedsREX() {
			return true
		}
	}
	return false
}

// digit is an opcode extension ("/digit") in ModRM.reg, typed as a Reg so
// that rr and rm take it; it never has a REX bit.
func digit(d byte) Reg { return Reg(d) }

// immSize is the size of the immediate of a w-wide operation that has no
// imm8 form: the operand size, but at most 4 bytes.
func immSize(w Width) int { return min(int(w), 4) }

// fitsImm8 reports whether imm, as an immediate of a w-wide operation, can be
// an imm8 that the processor sign-extends to w.
func fitsImm8(w Width, imm int64) bool {
	switch w {
	case W8:
		return true
	case W16:
		imm = int64(int16(imm))
	}
	return imm >= -128 && imm <= 127
}

// fitsWidth reports whether imm is a w-bit value, signed or unsigned.
func fitsWidth(w Width, imm int64) bool {
	if w == W64 {
		return true
	}
	return imm >= -(1<<(w.Bits()-1)) && imm < 1<<w.Bits()
}
