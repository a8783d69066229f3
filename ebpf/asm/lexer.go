package asm

// The lexer splits one line of assembly into tokens. The syntax is line
// oriented, so the lexer never sees more than a line:
//
//  1. A comment starts at '#' or "//" and runs to the end of the line.
//  2. An identifier is a letter, '_' or '.' followed by letters, digits, '_'
//     and '.': mnemonics, the keywords local/fetch/..., and labels.
//  3. A register is "%r" and a decimal number: %r0 ... %r10 (up to %r15 can
//     be encoded; the parser rejects larger numbers).
//  4. A number is decimal or 0x-hexadecimal, unsigned; a sign in front is a
//     separate token, so "[%r1-8]" and "[%r1 - 8]" lex alike.
//  5. Punctuation: , [ ] + - :
//
// Anything else is an error naming the character.

import (
	"fmt"
	"strings"
)

type tokKind uint8

const (
	tIdent tokKind = iota
	tReg
	tNum
	tPunct
)

type token struct {
	kind tokKind
	text string
	val  uint64 // register number or number value
	hex  bool   // number written in hexadecimal
}

// stripComment removes a trailing '#' or "//" comment.
func stripComment(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	if i := strings.Index(line, "//"); i >= 0 {
		line = line[:i]
	}
	return line
}

// lex returns the tokens of one line, comments removed.
func lex(line string) ([]token, error) {
	line = stripComment(line)
	var toks []token
	for i := 0; i < len(line); {
		c := line[i]
		var t token
		var n int
		var err error
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
			i++
			continue
		case isIdentStart(c):
			n = identLen(line[i:])
			t = token{kind: tIdent, text: line[i : i+n]}
		case isDigit(c):
			t, n, err = lexNumber(line[i:])
		case c == '%':
			t, n, err = lexRegister(line[i:])
		case strings.IndexByte(",[]+-:", c) >= 0:
			t, n = token{kind: tPunct, text: line[i : i+1]}, 1
		default:
			return nil, fmt.Errorf("unexpected character %q", rune(c))
		}
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i += n
	}
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func identLen(s string) int {
	n := 0
	for n < len(s) && isIdentChar(s[n]) {
		n++
	}
	return n
}

// lexNumber reads a decimal or 0x-hexadecimal number at the start of s.
func lexNumber(s string) (token, int, error) {
	n := identLen(s) // a number runs as far as an identifier would
	text := s[:n]
	digits, base := text, uint64(10)
	if len(text) > 2 && (text[:2] == "0x" || text[:2] == "0X") {
		digits, base = text[2:], 16
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		d := digitValue(digits[i])
		if d >= base {
			return token{}, 0, fmt.Errorf("bad number %q", text)
		}
		if v > (^uint64(0)-d)/base {
			return token{}, 0, fmt.Errorf("number %s does not fit in 64 bits", text)
		}
		v = v*base + d
	}
	return token{kind: tNum, text: text, val: v, hex: base == 16}, n, nil
}

// digitValue is the value of a hexadecimal digit, or 99.
func digitValue(c byte) uint64 {
	switch {
	case isDigit(c):
		return uint64(c - '0')
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 99
}

// lexRegister reads "%r<decimal>" at the start of s.
func lexRegister(s string) (token, int, error) {
	n := 1 + identLen(s[1:])
	text := s[:n]
	if n < 3 || text[1] != 'r' {
		return token{}, 0, fmt.Errorf("invalid register %q: registers are %%r0 to %%r10", text)
	}
	var v uint64
	for i := 2; i < n; i++ {
		if !isDigit(text[i]) || v > 1000 {
			return token{}, 0, fmt.Errorf("invalid register %q: registers are %%r0 to %%r10", text)
		}
		v = v*10 + uint64(text[i]-'0')
	}
	return token{kind: tReg, text: text, val: v}, n, nil
}
