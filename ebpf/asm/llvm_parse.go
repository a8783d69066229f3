package asm

// The parser of the LLVM/kernel syntax: one line's tokens (llvm_lexer.go)
// to at most one instruction. The syntax is C-like, so the first tokens
// decide the statement:
//
//	line   = [ pc ":" [ "(" opcode ")" ] ] { label ":" } [ stmt ]
//	stmt   = "exit" | ("goto" | "gotol") target | "if" reg cmp operand "goto" target
//	       | "call" ( imm | helper-name | "pc" ("+"|"-") num | label ) | "callx" reg
//	       | "lock" deref atomic-op reg              lock *(u64 *)(r1 + 0x8) += r2
//	       | deref "=" operand                       *(u32 *)(r10 - 0x8) = w1
//	       | reg alu-op operand                      w1 += 0x5, r1 s>>= r2
//	       | reg "=" rhs
//	rhs    = operand [ "ll" ] | "-" reg | be16|le16|bswap16|... reg | "(" s8|s16|s32 ")" reg
//	       | deref | "*" "(" size "*" ")" "skb" "[" (imm | reg ["+" imm]) "]"
//	       | atomic_fetch_<op> "(" "(" size "*" ")" addr "," reg ")"
//	       | xchg_64 | xchg32_32 "(" reg ("+"|"-") num "," reg ")"
//	       | cmpxchg_64 | cmpxchg32_32 "(" reg ("+"|"-") num "," reg "," reg ")"
//	deref  = "*" "(" size "*" ")" addr          addr = "(" reg [ ("+"|"-") num ] ")"
//
// A leading "12:" and "(b7)" (the verifier log's pc and opcode) are
// skipped; after "(18)" a constant is lddw's without "ll", as the log
// prints it. rN makes the instruction 64-bit (ALU64, JMP), wN 32-bit (ALU,
// JMP32); an instruction's registers must agree, except that loads, stores
// and atomics of fewer than 8 bytes take either. Jump targets are signed
// distances in slots or labels, resolved by llvm_assemble.go.

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// llvmStmt is one parsed line: its labels and at most one instruction.
type llvmStmt struct {
	labels    []string
	has       bool
	ins       ebpf.Instruction
	target    string // label of a jump or local call, resolved later
	targetCol int
	long      bool // the distance goes in imm (gotol, local call)
}

type llvmParser struct {
	toks   []llvmToken
	pos    int
	end    int    // column just past the line, for errors at its end
	opcode string // the verifier log's "(18)" before the instruction, if any
}

// parseLLVMLine parses one line. An error is a *colError.
func parseLLVMLine(line string) (llvmStmt, error) {
	var st llvmStmt
	line, opcode := stripLogPrefix(line)
	toks, err := lexLLVM(line)
	if err != nil {
		return st, err
	}
	p := &llvmParser{toks: toks, end: len(strings.TrimRight(stripLLVMComment(line), " \t\r")) + 1, opcode: opcode}
	for p.pos+1 < len(p.toks) && (p.toks[p.pos].kind == ltIdent || p.toks[p.pos].kind == ltLabel) &&
		p.toks[p.pos+1].kind == ltOp && p.toks[p.pos+1].text == ":" {
		st.labels = append(st.labels, p.toks[p.pos].text)
		p.pos += 2
	}
	if p.atEnd() {
		return st, nil
	}
	st.has = true
	if err := p.statement(&st); err != nil {
		return st, err
	}
	if !p.atEnd() {
		return st, p.errorf(p.toks[p.pos], "unexpected %q after the instruction", p.toks[p.pos].text)
	}
	return st, nil
}

// logPrefix is the verifier log's "12: (b7) " before an instruction.
var logPrefix = regexp.MustCompile(`^\s*\d+:\s*(?:\(([0-9a-f]{2})\)\s*)?`)

// stripLogPrefix blanks the verifier log's prefix out of line (keeping the
// columns) and returns the opcode it named, if any.
func stripLogPrefix(line string) (string, string) {
	m := logPrefix.FindStringSubmatchIndex(line)
	if m == nil {
		return line, ""
	}
	op := ""
	if m[2] >= 0 {
		op = line[m[2]:m[3]]
	}
	return strings.Repeat(" ", m[1]) + line[m[1]:], op
}

func (p *llvmParser) atEnd() bool { return p.pos >= len(p.toks) }

func (p *llvmParser) peek() llvmToken {
	if p.atEnd() {
		return llvmToken{kind: ltOp, text: "", col: p.end}
	}
	return p.toks[p.pos]
}

func (p *llvmParser) next() llvmToken {
	t := p.peek()
	if !p.atEnd() {
		p.pos++
	}
	return t
}

func (p *llvmParser) errorf(t llvmToken, format string, args ...any) error {
	return &colError{col: t.col, err: fmt.Errorf(format, args...)}
}

// found names a token in an error: "found \"x\"" or "found the end of the line".
func found(t llvmToken) string {
	if t.text == "" && t.kind == ltOp {
		return "found the end of the line"
	}
	return fmt.Sprintf("found %q", t.text)
}

// accept consumes the next token if it is the operator or keyword s.
func (p *llvmParser) accept(s string) bool {
	if t := p.peek(); (t.kind == ltOp || t.kind == ltIdent) && t.text == s && !p.atEnd() {
		p.pos++
		return true
	}
	return false
}

func (p *llvmParser) expect(s string) error {
	if p.accept(s) {
		return nil
	}
	t := p.peek()
	return p.errorf(t, "expected %q, %s", s, found(t))
}

// reg reads a register rN or wN.
func (p *llvmParser) reg() (llvmToken, error) {
	t := p.next()
	if t.kind != ltReg {
		return t, p.errorf(t, "expected a register, %s", found(t))
	}
	if t.val > maxRegister {
		return t, p.errorf(t, "invalid register %s: registers are r0 to r10", t.text)
	}
	return t, nil
}

// wideReg reads a register that must be rN.
func (p *llvmParser) wideReg() (uint8, error) {
	t, err := p.reg()
	if err == nil && !t.wide {
		err = p.errorf(t, "%s must be r%d here", t.text, t.val)
	}
	return uint8(t.val), err
}

// signed reads [+|-] number: its sign, magnitude and first token.
func (p *llvmParser) signed() (neg bool, mag uint64, at llvmToken, err error) {
	at = p.peek()
	if p.accept("-") {
		neg = true
	} else {
		p.accept("+")
	}
	t := p.next()
	if t.kind != ltNum {
		return false, 0, at, p.errorf(t, "expected a number, %s", found(t))
	}
	return neg, t.val, at, nil
}

// imm32 reads an instruction immediate: -2^31 to 2^32-1, values from 2^31
// up being 32-bit patterns (0xffffffff is -1), as LLVM's assembler takes.
func (p *llvmParser) imm32() (int32, error) {
	neg, mag, at, err := p.signed()
	switch {
	case err != nil:
		return 0, err
	case neg && mag <= 1<<31:
		return int32(-int64(mag)), nil
	case !neg && mag <= 1<<32-1:
		return int32(uint32(mag)), nil
	}
	return 0, p.errorf(at, "immediate %s does not fit in 32 bits", signText(neg, mag))
}

// signedN reads a signed value of the given bits (offsets, jump distances).
func (p *llvmParser) signedN(bits uint, what string) (int64, error) {
	neg, mag, at, err := p.signed()
	if err != nil {
		return 0, err
	}
	limit := uint64(1) << (bits - 1)
	if neg && mag <= limit {
		return -int64(mag), nil
	}
	if !neg && mag < limit {
		return int64(mag), nil
	}
	return 0, p.errorf(at, "%s %s does not fit in %d bits", what, signText(neg, mag), bits)
}

func signText(neg bool, mag uint64) string {
	if neg {
		return fmt.Sprintf("-%d", mag)
	}
	return fmt.Sprint(mag)
}

// statement dispatches on the first token.
func (p *llvmParser) statement(st *llvmStmt) error {
	t := p.peek()
	switch {
	case t.kind == ltReg:
		return p.assignment(st)
	case t.kind == ltOp && t.text == "*":
		return p.store(st)
	case t.kind != ltIdent:
		return p.errorf(t, "expected an instruction, %s", found(t))
	}
	p.next()
	switch t.text {
	case "exit":
		st.ins = ebpf.Instruction{Opcode: jumpOp(ebpf.ClassJMP, ebpf.JumpExit, ebpf.SourceK)}
		return nil
	case "goto", "gotol":
		return p.gotoStmt(st, t.text == "gotol")
	case "if":
		return p.cond(st)
	case "call":
		return p.call(st)
	case "callx":
		dst, err := p.wideReg()
		st.ins = ebpf.Instruction{Opcode: jumpOp(ebpf.ClassJMP, ebpf.JumpCall, ebpf.SourceX), Dst: dst}
		return err
	case "lock":
		return p.lock(st)
	}
	return p.errorf(t, "unknown instruction %q", t.text)
}

// target reads a jump target into st: a label, or a distance written
// "+0x4", "-3" or "pc+4" (the verifier log's spelling).
func (p *llvmParser) target(st *llvmStmt, bits uint) (int64, error) {
	t := p.peek()
	switch {
	case t.kind == ltLabel || t.kind == ltIdent && t.text != "pc":
		p.next()
		st.target, st.targetCol = t.text, t.col
		return 0, nil
	case t.kind == ltIdent:
		p.next() // "pc", then a signed distance
		if u := p.peek(); u.text != "+" && u.text != "-" {
			return 0, p.errorf(u, "expected pc+N or pc-N, %s", found(u))
		}
	}
	return p.signedN(bits, "jump distance")
}

func (p *llvmParser) gotoStmt(st *llvmStmt, long bool) error {
	if long {
		st.long = true
		st.ins.Opcode = jumpOp(ebpf.ClassJMP32, ebpf.JumpA, ebpf.SourceK)
		d, err := p.target(st, 32)
		st.ins.Imm = int32(d)
		return err
	}
	st.ins.Opcode = jumpOp(ebpf.ClassJMP, ebpf.JumpA, ebpf.SourceK)
	d, err := p.target(st, 16)
	st.ins.Offset = int16(d)
	return err
}

var llvmCondOps = map[string]ebpf.JumpOp{
	"==": ebpf.JumpEq, "!=": ebpf.JumpNE, ">": ebpf.JumpGT, ">=": ebpf.JumpGE, "<": ebpf.JumpLT,
	"<=": ebpf.JumpLE, "s>": ebpf.JumpSGT, "s>=": ebpf.JumpSGE, "s<": ebpf.JumpSLT, "s<=": ebpf.JumpSLE,
	"&": ebpf.JumpSet, "&==": ebpf.JumpSet, // &== is PREVAIL's spelling of jset
}

// cond parses "if rD op rS|imm goto target" after the "if".
func (p *llvmParser) cond(st *llvmStmt) error {
	dst, err := p.reg()
	if err != nil {
		return err
	}
	opTok := p.next()
	op, ok := llvmCondOps[opTok.text]
	if !ok || opTok.kind != ltOp {
		return p.errorf(opTok, "expected a comparison (== != > >= < <= s> s>= s< s<= &), %s", found(opTok))
	}
	cls := ebpf.ClassJMP
	if !dst.wide {
		cls = ebpf.ClassJMP32
	}
	st.ins.Dst = uint8(dst.val)
	src, isReg, err := p.operand(dst)
	if err != nil {
		return err
	}
	st.ins.Opcode = jumpOp(cls, op, ebpf.SourceK)
	if isReg {
		st.ins.Opcode, st.ins.Src = jumpOp(cls, op, ebpf.SourceX), uint8(src)
	} else {
		st.ins.Imm = int32(src)
	}
	if err := p.expect("goto"); err != nil {
		return err
	}
	d, err := p.target(st, 16)
	st.ins.Offset = int16(d)
	return err
}

// operand reads a register of the same width as like, or an immediate.
// For a register it returns its number and true.
func (p *llvmParser) operand(like llvmToken) (int64, bool, error) {
	if p.peek().kind != ltReg {
		v, err := p.imm32()
		return int64(v), false, err
	}
	r, err := p.reg()
	if err == nil && r.wide != like.wide {
		err = p.errorf(r, "%s and %s: an instruction's registers must be all rN (64-bit) or all wN (32-bit)",
			like.text, r.text)
	}
	return int64(r.val), true, err
}

// call parses what follows "call": a helper id or name, or a local
// function as pc+N or a label.
func (p *llvmParser) call(st *llvmStmt) error {
	st.ins.Opcode = jumpOp(ebpf.ClassJMP, ebpf.JumpCall, ebpf.SourceK)
	t := p.peek()
	if t.kind == ltIdent && t.text != "pc" {
		if id, ok := HelperID(t.text); ok {
			p.next()
			st.ins.Imm = id
			return nil
		}
	}
	if t.kind == ltLabel || t.kind == ltIdent {
		st.ins.Src, st.long = ebpf.PseudoCallLocal, true
		d, err := p.target(st, 32)
		st.ins.Imm = int32(d)
		return err
	}
	imm, err := p.imm32()
	st.ins.Imm = imm
	return err
}
