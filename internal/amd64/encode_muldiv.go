package amd64

// Multiplication and division (SDM vol. 2A-2B, "IMUL—Signed Multiply",
// "MUL—Unsigned Multiply", "DIV—Unsigned Divide", "IDIV—Signed Divide",
// "CWD/CDQ/CQO").
//
//	0F AF /r      imul r, r/m          (truncated product)
//	6B /r ib      imul r, r/m, imm8    (imm sign-extended; the shortest)
//	69 /r iw/id   imul r, r/m, imm
//	F7 /4         mul r/m    RDX:RAX = RAX * r/m, unsigned
//	F7 /5         imul r/m   RDX:RAX = RAX * r/m, signed
//	F7 /6         div r/m    RAX = RDX:RAX / r/m, RDX = remainder, unsigned
//	F7 /7         idiv r/m   the same, signed
//	99            cdq / REX.W 99 cqo: sign-extend EAX into EDX, RAX into RDX
//
// The implicit operands are RDX:RAX at W64, EDX:EAX at W32 and DX:AX at W16.
// The 8-bit forms, which use AH:AL, are not offered.
//
// DIV and IDIV raise #DE when the divisor is zero or the quotient does not
// fit (IDIV of the most negative value by -1). Inside a Go process that
// fault kills the runtime (DESIGN.md, "Generated machine code inside a Go
// process"), so a generator must test for both before dividing. Before a
// signed division, CQO or CDQ fills RDX/EDX; before an unsigned one, zero
// it.

// ImulRR is imul dst, src: dst = dst * src, truncated to w bits.
func (a *Assembler) ImulRR(w Width, dst, src Reg) {
	if a.ok("imul", w, wide, dst, src) {
		a.rr(inst{w: w, op: 0x0faf}, dst, src)
	}
}

// ImulRM is imul dst, [m].
func (a *Assembler) ImulRM(w Width, dst Reg, m Mem) {
	if a.ok("imul", w, wide, dst) && a.okMem("imul", m) {
		a.rm(inst{w: w, op: 0x0faf}, dst, m, 0)
	}
}

// ImulRRI is imul dst, src, imm: dst = src * imm, truncated to w bits; imm
// as in ALURI.
func (a *Assembler) ImulRRI(w Width, dst, src Reg, imm int32) {
	if !a.ok("imul", w, wide, dst, src) || !a.okImm("imul", w, int64(imm)) {
		return
	}
	if fitsImm8(w, int64(imm)) {
		a.rr(inst{w: w, op: 0x6b}, dst, src)
		a.imm(int64(imm), 1)
		return
	}
	a.rr(inst{w: w, op: 0x69}, dst, src)
	a.imm(int64(imm), immSize(w))
}

// Mul is mul src: RDX:RAX = RAX * src, unsigned (at W32, EDX:EAX).
func (a *Assembler) Mul(w Width, src Reg) { a.group3("mul", 4, wide, w, src) }

// ImulWide is the one-operand imul src: RDX:RAX = RAX * src, signed.
func (a *Assembler) ImulWide(w Width, src Reg) { a.group3("imul", 5, wide, w, src) }

// Div is div src: RAX = RDX:RAX / src and RDX = RDX:RAX % src, unsigned.
// Faults if src is 0 or the quotient overflows (see above).
func (a *Assembler) Div(w Width, src Reg) { a.group3("div", 6, wide, w, src) }

// Idiv is idiv src, the signed Div. Faults if src is 0 or the quotient
// overflows (see above).
func (a *Assembler) Idiv(w Width, src Reg) { a.group3("idiv", 7, wide, w, src) }

// Cqo sign-extends RAX into RDX:RAX.
func (a *Assembler) Cqo() { a.prefix(inst{w: W64, op: 0x99}, 0) }

// Cdq sign-extends EAX into EDX:EAX (and zeroes the upper halves of both).
func (a *Assembler) Cdq() { a.prefix(inst{op: 0x99}, 0) }
