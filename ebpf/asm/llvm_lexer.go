package asm

// The lexer of the LLVM/kernel syntax (llvm_parse.go). Like the uBPF lexer
// it sees one line at a time:
//
//  1. A comment starts at ';' (llvm-objdump, the verifier log, PREVAIL),
//     '#' or "//" and runs to the end of the line.
//  2. rN and wN are registers (w: the low 32 bits), N decimal.
//  3. Other identifiers are letters, digits, '_' and '.': keywords (goto,
//     call, lock, ll, u32, be16, atomic_fetch_add, ...), helper names and
//     labels (LBB0_2). "<name>" is one label token, as PREVAIL writes
//     labels; a '<' not followed by a name and '>' is an operator.
//  4. A number is decimal or 0x-hexadecimal, unsigned; a sign is a separate
//     token. "5ll" is the number 5 and the keyword ll.
//  5. Operators are the C-like ones the syntax uses, longest first: s>>=,
//     <<=, &=, s<=, ==, =, ..., and the punctuation ( ) [ ] * + - , :. An
//     's' directly before < > / % makes the signed variant of the operator.
//
// Every token carries its 1-based column, for errors.

import (
	"fmt"
	"strings"
)

type llvmTokKind uint8

const (
	ltIdent llvmTokKind = iota
	ltReg
	ltNum
	ltOp
	ltLabel // <name>, text without the brackets
)

type llvmToken struct {
	kind llvmTokKind
	text string
	col  int    // 1-based column of the first byte
	val  uint64 // register number or number value
	wide bool   // register: rN (64 bits), not wN
	hex  bool   // number written in hexadecimal
}

// llvmOps are the operators, longest first so that the first match wins.
var llvmOps = []string{
	"<<=", ">>=", "&==", "&!=",
	"==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=",
	"<", ">", "=", "&", "(", ")", "[", "]", "*", "+", "-", ",", ":",
}

// llvmSignedOps may follow an 's': s>>=, s/=, s%=, s<, s<=, s>, s>=.
var llvmSignedOps = []string{">>=", "<=", ">=", "/=", "%=", "<", ">"}

// stripLLVMComment removes a ';', '#' or "//" comment.
func stripLLVMComment(line string) string {
	if i := strings.IndexAny(line, ";#"); i >= 0 {
		line = line[:i]
	}
	if i := strings.Index(line, "//"); i >= 0 {
		line = line[:i]
	}
	return line
}

// lexLLVM returns the tokens of one line, comments removed. An error
// carries the column it was found at.
func lexLLVM(line string) ([]llvmToken, error) {
	line = stripLLVMComment(line)
	var toks []llvmToken
	for i := 0; i < len(line); {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' {
			i++
			continue
		}
		ts, n, err := lexLLVMToken(line[i:])
		if err != nil {
			return nil, &colError{col: i + 1, err: err}
		}
		for _, t := range ts {
			t.col += i + 1
			toks = append(toks, t)
		}
		i += n
	}
	return toks, nil
}

// lexLLVMToken reads the token at the start of s (one or, for "5ll", two
// tokens, with columns relative to s, 0-based) and how many bytes it took.
func lexLLVMToken(s string) ([]llvmToken, int, error) {
	c := s[0]
	switch {
	case c == 's' && len(s) > 1 && strings.IndexByte("<>/%", s[1]) >= 0:
		for _, op := range llvmSignedOps {
			if strings.HasPrefix(s[1:], op) {
				return []llvmToken{{kind: ltOp, text: "s" + op}}, 1 + len(op), nil
			}
		}
		return nil, 0, fmt.Errorf("unknown operator %q", s[:2])
	case isIdentStart(c):
		n := identLen(s)
		return []llvmToken{identToken(s[:n])}, n, nil
	case isDigit(c):
		return lexLLVMNumber(s)
	case c == '<':
		if n := labelLen(s); n > 0 {
			return []llvmToken{{kind: ltLabel, text: s[1 : n-1]}}, n, nil
		}
	}
	for _, op := range llvmOps {
		if strings.HasPrefix(s, op) {
			return []llvmToken{{kind: ltOp, text: op}}, len(op), nil
		}
	}
	return nil, 0, fmt.Errorf("unexpected character %q", rune(c))
}

// labelLen is the length of "<name>" at the start of s, or 0.
func labelLen(s string) int {
	if len(s) < 3 || !isIdentStart(s[1]) {
		return 0
	}
	n := 1 + identLen(s[1:])
	if n < len(s) && s[n] == '>' {
		return n + 1
	}
	return 0
}

// identToken makes a register token of rN and wN, an identifier otherwise.
func identToken(text string) llvmToken {
	if len(text) >= 2 && len(text) <= 4 && (text[0] == 'r' || text[0] == 'w') {
		var v uint64
		ok := true
		for i := 1; i < len(text); i++ {
			if !isDigit(text[i]) {
				ok = false
				break
			}
			v = v*10 + uint64(text[i]-'0')
		}
		if ok {
			return llvmToken{kind: ltReg, text: text, val: v, wide: text[0] == 'r'}
		}
	}
	return llvmToken{kind: ltIdent, text: text}
}

// lexLLVMNumber reads a number; a decimal number written against "ll"
// ("5ll", as PREVAIL writes) is split into the number and the keyword.
func lexLLVMNumber(s string) ([]llvmToken, int, error) {
	n := identLen(s)
	text := s[:n]
	var suffix bool
	if len(text) > 2 && strings.HasSuffix(text, "ll") { // not a hexadecimal digit either
		text, suffix = text[:len(text)-2], true
	}
	t, _, err := lexNumber(text)
	if err != nil {
		return nil, 0, err
	}
	tok := llvmToken{kind: ltNum, text: t.text, val: t.val, hex: t.hex}
	if suffix {
		return []llvmToken{tok, {kind: ltIdent, text: "ll", col: len(text)}}, n, nil
	}
	return []llvmToken{tok}, n, nil
}

// colError is an error at a column of the line.
type colError struct {
	col int
	err error
}

func (e *colError) Error() string { return e.err.Error() }
func (e *colError) Unwrap() error { return e.err }
