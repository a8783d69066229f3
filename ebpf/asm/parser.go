package asm

// The parser turns one line's tokens into a statement:
//
//	line      = { label ":" } [ mnemonic [ operand { "," operand } ] ]
//	mnemonic  = ident | "lock" [ "fetch" ] ident | "call" [ "local" | "helper" | "runtime" ]
//	operand   = register | [ "+" | "-" ] number | ident
//	          | "[" register [ ( "+" | "-" ) number ] "]"
//
// Keywords after lock and call become part of the mnemonic, so "lock fetch
// add32" and "call local" are looked up in the form table as they are. The
// parser knows nothing of which operands a mnemonic takes: assemble.go
// matches the statement against the forms.

import (
	"fmt"
	"strings"
)

type operandKind uint8

const (
	opReg   operandKind = iota // %r1
	opNum                      // -8, 0x10
	opMem                      // [%r1+8]
	opIdent                    // a label
)

var operandKindNames = [...]string{opReg: "register", opNum: "number", opMem: "memory operand", opIdent: "label"}

// number is a number as written: its sign, magnitude and base decide its
// range (numbers.go).
type number struct {
	neg  bool
	mag  uint64
	hex  bool
	text string
}

type operand struct {
	kind  operandKind
	reg   uint8  // opReg, opMem
	num   number // opNum; the offset of opMem
	label string // opIdent
}

// statement is one parsed line.
type statement struct {
	line     int
	text     string
	labels   []string
	mnemonic string
	ops      []operand
}

// maxRegister is the largest register number the 4-bit fields encode.
const maxRegister = 15

// parser walks the tokens of one line.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

func (p *parser) next() (token, bool) {
	t, ok := p.peek()
	if ok {
		p.pos++
	}
	return t, ok
}

// accept consumes the next token if it is punctuation s.
func (p *parser) accept(s string) bool {
	if t, ok := p.peek(); ok && t.kind == tPunct && t.text == s {
		p.pos++
		return true
	}
	return false
}

// acceptIdent consumes the next token if it is one of the words.
func (p *parser) acceptIdent(words ...string) (string, bool) {
	t, ok := p.peek()
	if !ok || t.kind != tIdent {
		return "", false
	}
	for _, w := range words {
		if t.text == w {
			p.pos++
			return w, true
		}
	}
	return "", false
}

// parseLine parses line number n (1-based).
func parseLine(n int, line string) (statement, error) {
	st := statement{line: n, text: strings.TrimSpace(stripComment(line))}
	toks, err := lex(line)
	if err != nil {
		return st, err
	}
	p := &parser{toks: toks}
	for p.pos+1 < len(toks) && toks[p.pos].kind == tIdent && toks[p.pos+1].kind == tPunct && toks[p.pos+1].text == ":" {
		st.labels = append(st.labels, toks[p.pos].text)
		p.pos += 2
	}
	if _, ok := p.peek(); !ok {
		return st, nil
	}
	if st.mnemonic, err = p.mnemonic(); err != nil {
		return st, err
	}
	st.ops, err = p.operands()
	return st, err
}

// mnemonic reads the mnemonic and the keywords that belong to it.
func (p *parser) mnemonic() (string, error) {
	t, _ := p.next()
	if t.kind != tIdent {
		return "", fmt.Errorf("expected a mnemonic or a label, found %q", t.text)
	}
	switch t.text {
	case "lock":
		return p.lockMnemonic()
	case "call":
		if w, ok := p.acceptIdent("local", "helper", "runtime"); ok {
			return "call " + w, nil
		}
	}
	return t.text, nil
}

// lockMnemonic reads "[fetch] op" after lock.
func (p *parser) lockMnemonic() (string, error) {
	name := "lock"
	if _, ok := p.acceptIdent("fetch"); ok {
		name += " fetch"
	}
	t, ok := p.next()
	if !ok || t.kind != tIdent {
		return "", fmt.Errorf("wrong number of operands for lock: want lock [fetch] add|or|and|xor|xchg|cmpxchg[32] [%%rD+off], %%rS")
	}
	return name + " " + t.text, nil
}

// operands reads the comma-separated operand list up to the end.
func (p *parser) operands() ([]operand, error) {
	var ops []operand
	if _, ok := p.peek(); !ok {
		return nil, nil
	}
	for {
		op, err := p.operand()
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
		t, ok := p.next()
		if !ok {
			return ops, nil
		}
		if t.kind != tPunct || t.text != "," {
			return nil, fmt.Errorf("expected ',' after operand %d, found %q", len(ops), t.text)
		}
	}
}

func (p *parser) operand() (operand, error) {
	t, ok := p.next()
	if !ok {
		return operand{}, fmt.Errorf("missing operand after ','")
	}
	switch {
	case t.kind == tReg:
		r, err := register(t)
		return operand{kind: opReg, reg: r}, err
	case t.kind == tNum:
		return operand{kind: opNum, num: number{mag: t.val, hex: t.hex, text: t.text}}, nil
	case t.kind == tIdent:
		return operand{kind: opIdent, label: t.text}, nil
	case t.text == "+" || t.text == "-":
		n, err := p.signedNumber(t.text)
		return operand{kind: opNum, num: n}, err
	case t.text == "[":
		return p.memory()
	}
	return operand{}, fmt.Errorf("unexpected %q where an operand belongs", t.text)
}

// signedNumber reads the number after a sign.
func (p *parser) signedNumber(sign string) (number, error) {
	t, ok := p.next()
	if !ok || t.kind != tNum {
		return number{}, fmt.Errorf("expected a number after %q", sign)
	}
	return number{neg: sign == "-", mag: t.val, hex: t.hex, text: sign + t.text}, nil
}

// memory reads "[%rN]" or "[%rN+off]" after the '['.
func (p *parser) memory() (operand, error) {
	t, ok := p.next()
	if !ok || t.kind != tReg {
		return operand{}, fmt.Errorf("memory operand must be [%%rN+off]")
	}
	r, err := register(t)
	if err != nil {
		return operand{}, err
	}
	op := operand{kind: opMem, reg: r}
	if s, ok := p.peek(); ok && s.kind == tPunct && (s.text == "+" || s.text == "-") {
		p.pos++
		if op.num, err = p.signedNumber(s.text); err != nil {
			return operand{}, err
		}
	}
	if !p.accept("]") {
		return operand{}, fmt.Errorf("memory operand must be [%%rN+off]: missing ']'")
	}
	return op, nil
}

func register(t token) (uint8, error) {
	if t.val > maxRegister {
		return 0, fmt.Errorf("invalid register %s: registers are %%r0 to %%r10", t.text)
	}
	return uint8(t.val), nil
}
