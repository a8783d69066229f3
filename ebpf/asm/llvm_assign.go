package asm

// The assignment statements of the LLVM syntax: arithmetic ("w1 += 5"),
// moves and the 64-bit constant ("r1 = 0x5 ll"), byte swaps, sign
// extension, loads, stores and atomics. Grammar in llvm_parse.go.

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

var llvmAssignOps = map[string]ebpf.ALUOp{
	"+=": ebpf.ALUAdd, "-=": ebpf.ALUSub, "*=": ebpf.ALUMul, "/=": ebpf.ALUDiv, "|=": ebpf.ALUOr,
	"&=": ebpf.ALUAnd, "<<=": ebpf.ALULsh, ">>=": ebpf.ALURsh, "%=": ebpf.ALUMod, "^=": ebpf.ALUXor,
	"s>>=": ebpf.ALUArsh, "s/=": ebpf.ALUDiv, "s%=": ebpf.ALUMod, "=": ebpf.ALUMov,
}

// llvmSwaps are the byte-order operations "r1 = be16 r1": class, order, width.
var llvmSwaps = func() map[string]ebpf.Instruction {
	m := map[string]ebpf.Instruction{}
	for _, w := range []int32{16, 32, 64} {
		n := fmt.Sprint(w)
		m["le"+n] = ebpf.Instruction{Opcode: aluOp(ebpf.ClassALU, ebpf.ALUEnd, ebpf.ToLE), Imm: w}
		m["be"+n] = ebpf.Instruction{Opcode: aluOp(ebpf.ClassALU, ebpf.ALUEnd, ebpf.ToBE), Imm: w}
		m["bswap"+n] = ebpf.Instruction{Opcode: aluOp(ebpf.ClassALU64, ebpf.ALUEnd, ebpf.ToLE), Imm: w}
		m["swap"+n] = m["bswap"+n] // PREVAIL's spelling
	}
	return m
}()

// assignment parses a statement that starts with a register.
func (p *llvmParser) assignment(st *llvmStmt) error {
	dst, err := p.reg()
	if err != nil {
		return err
	}
	opTok := p.next()
	op, ok := llvmAssignOps[opTok.text]
	if !ok || opTok.kind != ltOp {
		return p.errorf(opTok, "expected an assignment (= += -= *= /= %%= |= &= ^= <<= >>= s>>= s/= s%%=), %s",
			found(opTok))
	}
	st.ins.Dst = uint8(dst.val)
	if opTok.text == "=" {
		return p.assignRHS(st, dst)
	}
	return p.alu(st, dst, op, strings.HasPrefix(opTok.text, "s") && op != ebpf.ALUArsh)
}

// alu finishes "dst op= src|imm".
func (p *llvmParser) alu(st *llvmStmt, dst llvmToken, op ebpf.ALUOp, signed bool) error {
	cls := ebpf.ClassALU64
	if !dst.wide {
		cls = ebpf.ClassALU
	}
	if signed {
		st.ins.Offset = 1 // sdiv, smod
	}
	v, isReg, err := p.operand(dst)
	st.ins.Opcode = aluOp(cls, op, ebpf.SourceK)
	if isReg {
		st.ins.Opcode, st.ins.Src = aluOp(cls, op, ebpf.SourceX), uint8(v)
	} else {
		st.ins.Imm = int32(v)
	}
	return err
}

// assignRHS parses what follows "dst =".
func (p *llvmParser) assignRHS(st *llvmStmt, dst llvmToken) error {
	t := p.peek()
	switch {
	case t.kind == ltOp && t.text == "-" && p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == ltReg:
		p.next()
		return p.unary(st, dst, ebpf.Instruction{Opcode: aluOp(aluClass(dst), ebpf.ALUNeg, ebpf.SourceK)})
	case t.kind == ltOp && t.text == "(":
		return p.signExtend(st, dst)
	case t.kind == ltOp && t.text == "*":
		return p.load(st, dst)
	case t.kind == ltIdent:
		p.next()
		if swap, ok := llvmSwaps[t.text]; ok {
			return p.unary(st, dst, swap)
		}
		return p.atomicCall(st, dst, t)
	case t.kind == ltReg:
		return p.alu(st, dst, ebpf.ALUMov, false)
	}
	start := p.pos
	neg, mag, at, err := p.signed()
	if err != nil {
		return err
	}
	if !p.accept("ll") && p.opcode != "18" {
		p.pos = start // reread as a 32-bit immediate
		return p.alu(st, dst, ebpf.ALUMov, false)
	}
	if !dst.wide {
		return p.errorf(dst, "a 64-bit constant (ll) needs r%d, not %s", dst.val, dst.text)
	}
	if neg && mag > 1<<63 {
		return p.errorf(at, "immediate -%d does not fit in 64 bits", mag)
	}
	st.ins.Opcode, st.ins.Imm64 = ebpf.OpLDDW, int64(mag)
	if neg {
		st.ins.Imm64 = -int64(mag)
	}
	st.ins.Imm = int32(uint32(uint64(st.ins.Imm64)))
	return nil
}

func aluClass(r llvmToken) ebpf.Class {
	if r.wide {
		return ebpf.ClassALU64
	}
	return ebpf.ClassALU
}

// unary finishes "dst = -dst" and "dst = be16 dst": the register must be
// the destination again.
func (p *llvmParser) unary(st *llvmStmt, dst llvmToken, ins ebpf.Instruction) error {
	r, err := p.reg()
	if err != nil {
		return err
	}
	if r.val != dst.val || ins.ALUOp() == ebpf.ALUNeg && r.wide != dst.wide {
		return p.errorf(r, "the operand must be the destination %s, found %s", dst.text, r.text)
	}
	ins.Dst = uint8(dst.val)
	st.ins = ins
	return nil
}

// signExtend finishes "dst = (s8)src".
func (p *llvmParser) signExtend(st *llvmStmt, dst llvmToken) error {
	p.next() // (
	t := p.next()
	widths := map[string]int16{"s8": 8, "s16": 16, "s32": 32}
	w, ok := widths[t.text]
	if !ok || t.kind != ltIdent || w == 32 && !dst.wide {
		return p.errorf(t, "expected (s8), (s16) or, into rN, (s32), %s", found(t))
	}
	if err := p.expect(")"); err != nil {
		return err
	}
	if err := p.alu(st, dst, ebpf.ALUMov, false); err != nil {
		return err
	}
	if st.ins.Source() != ebpf.SourceX {
		return p.errorf(t, "sign extension takes a register")
	}
	st.ins.Offset = w
	return nil
}

var llvmSizeNames = map[string]ebpf.Size{"u8": ebpf.SizeB, "u16": ebpf.SizeH, "u32": ebpf.SizeW, "u64": ebpf.SizeDW,
	"s8": ebpf.SizeB, "s16": ebpf.SizeH, "s32": ebpf.SizeW}

// sizeCast reads "(u32 *)" and says whether the size is signed (s8...).
func (p *llvmParser) sizeCast() (ebpf.Size, bool, llvmToken, error) {
	if err := p.expect("("); err != nil {
		return 0, false, llvmToken{}, err
	}
	t := p.next()
	size, ok := llvmSizeNames[t.text]
	if !ok || t.kind != ltIdent {
		return 0, false, t, p.errorf(t, "expected a size u8, u16, u32, u64 (or s8, s16, s32 in a load), %s", found(t))
	}
	if err := p.expect("*"); err != nil {
		return 0, false, t, err
	}
	return size, t.text[0] == 's', t, p.expect(")")
}

// address reads "(rN)", "(rN + off)" or "(rN - off)"; with bare set the
// parentheses are not there (the first operand of xchg and cmpxchg).
func (p *llvmParser) address(bare bool) (uint8, int16, error) {
	if !bare {
		if err := p.expect("("); err != nil {
			return 0, 0, err
		}
	}
	r, err := p.wideReg()
	if err != nil {
		return 0, 0, err
	}
	var off int64
	if t := p.peek(); t.text == "+" || t.text == "-" {
		if off, err = p.signedN(16, "offset"); err != nil {
			return 0, 0, err
		}
	}
	if !bare {
		err = p.expect(")")
	}
	return r, int16(off), err
}

// load finishes "dst = *(u32 *)(rS + off)" and the legacy "r0 = *(u32 *)skb[...]".
func (p *llvmParser) load(st *llvmStmt, dst llvmToken) error {
	p.next() // *
	size, signed, sizeTok, err := p.sizeCast()
	if err != nil {
		return err
	}
	if p.accept("skb") {
		return p.legacyLoad(st, dst, size, sizeTok, signed)
	}
	mode := ebpf.ModeMEM
	if signed {
		mode = ebpf.ModeMEMSX
	}
	if (size == ebpf.SizeDW || signed) && !dst.wide {
		return p.errorf(dst, "this load needs r%d, not %s", dst.val, dst.text)
	}
	src, off, err := p.address(false)
	st.ins = ebpf.Instruction{Opcode: memOp(ebpf.ClassLDX, mode, size), Dst: uint8(dst.val), Src: src, Offset: off}
	return err
}

// legacyLoad finishes "r0 = *(u8 *)skb[imm]" (ldabs) and "skb[rS]" or
// "skb[rS + imm]" (ldind; LLVM does not print the imm).
func (p *llvmParser) legacyLoad(st *llvmStmt, dst llvmToken, size ebpf.Size, sizeTok llvmToken, signed bool) error {
	if signed || size == ebpf.SizeDW {
		return p.errorf(sizeTok, "legacy packet loads are u8, u16 or u32")
	}
	if dst.val != 0 || !dst.wide {
		return p.errorf(dst, "legacy packet loads write r0")
	}
	if err := p.expect("["); err != nil {
		return err
	}
	st.ins.Opcode = memOp(ebpf.ClassLD, ebpf.ModeABS, size)
	var err error
	if p.peek().kind == ltReg {
		st.ins.Opcode = memOp(ebpf.ClassLD, ebpf.ModeIND, size)
		if st.ins.Src, err = p.wideReg(); err != nil {
			return err
		}
		if t := p.peek(); t.text == "+" || t.text == "-" {
			st.ins.Imm, err = p.imm32()
		}
	} else {
		st.ins.Imm, err = p.imm32()
	}
	if err != nil {
		return err
	}
	return p.expect("]")
}

// store parses "*(u32 *)(rD + off) = rS|wS|imm".
func (p *llvmParser) store(st *llvmStmt) error {
	p.next() // *
	size, signed, sizeTok, err := p.sizeCast()
	if err != nil {
		return err
	}
	if signed {
		return p.errorf(sizeTok, "stores are u8, u16, u32 or u64")
	}
	dst, off, err := p.address(false)
	if err != nil {
		return err
	}
	if err := p.expect("="); err != nil {
		return err
	}
	st.ins = ebpf.Instruction{Opcode: memOp(ebpf.ClassST, ebpf.ModeMEM, size), Dst: dst, Offset: off}
	if p.peek().kind != ltReg {
		st.ins.Imm, err = p.imm32()
		return err
	}
	src, err := p.memReg(size)
	st.ins.Opcode, st.ins.Src = memOp(ebpf.ClassSTX, ebpf.ModeMEM, size), src
	return err
}

// memReg reads the value register of a store or atomic: rN for 8 bytes,
// rN or wN for fewer.
func (p *llvmParser) memReg(size ebpf.Size) (uint8, error) {
	if size == ebpf.SizeDW {
		return p.wideReg()
	}
	r, err := p.reg()
	return uint8(r.val), err
}
