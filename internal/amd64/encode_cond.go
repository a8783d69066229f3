package amd64

// Conditional instructions other than jumps (label.go): SETcc and CMOVcc
// (SDM vol. 2B, "SETcc—Set Byte on Condition", "CMOVcc—Conditional Move").
//
//	0F 90+cc /0   setcc r/m8: 1 if the condition holds, else 0
//	0F 40+cc /r   cmovcc r, r/m
//
// SETcc writes one byte, so SPL-DIL need a REX prefix and the upper 56 bits
// of the register are kept: zero the register first (before the flags are
// set, XOR would clobber them) or MovzxRR(W8, ...) after. CMOVcc at W32
// zero-extends even when the condition is false.

// Setcc sets the low byte of dst to 1 if c holds, else 0.
func (a *Assembler) Setcc(c Cond, dst Reg) {
	if a.okCond("set", c) && a.ok("set"+c.String(), W8, W8, dst) {
		a.rr(inst{op: 0x0f90 | opc(c), rex: byteREX(dst)}, digit(0), dst)
	}
}

// CmovRR moves src to dst if c holds.
func (a *Assembler) CmovRR(c Cond, w Width, dst, src Reg) {
	if a.okCond("cmov", c) && a.ok("cmov"+c.String(), w, wide, dst, src) {
		a.rr(inst{w: w, op: 0x0f40 | opc(c)}, dst, src)
	}
}

// CmovRM loads [m] into dst if c holds. The load happens either way, so
// m must be readable.
func (a *Assembler) CmovRM(c Cond, w Width, dst Reg, m Mem) {
	if a.okCond("cmov", c) && a.ok("cmov"+c.String(), w, wide, dst) && a.okMem("cmov", m) {
		a.rm(inst{w: w, op: 0x0f40 | opc(c)}, dst, m, 0)
	}
}
