package prevail

// Translating a case's code into instructions, in three steps:
//
//  1. Each line is rewritten from PREVAIL's spelling into the LLVM syntax
//     of asm.AssembleLLVM where the two differ (rewrite, below); the
//     rewrite also says what the text cannot: that the line is an assume,
//     or the pseudo source and 64-bit immediate of a map load.
//  2. The blocks are joined in order, each after its label line "<name>:",
//     and assembled; an assembly error is mapped back to the block line.
//  3. Instruction i comes from code line i (every line is one
//     instruction); the pseudo sources are patched in.

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// Program is a case's code as instructions.
type Program struct {
	Insns []ebpf.Instruction
	// Assume[pc] marks an "assume cond" line, encoded as "if cond goto +0":
	// the state after it is the state before refined by cond (and nothing
	// when cond cannot hold).
	Assume []bool
	Labels map[string]int // block label -> pc of its first line
	Source []Source       // where each instruction was written
}

// Source is the line an instruction comes from.
type Source struct {
	Block    string
	Line     int // 1-based within the block
	FileLine int
	Text     string
}

// CodeError is a line of a case's code that could not be translated.
type CodeError struct {
	Case string // "file:line \"name\""
	Source
	Err error
}

func (e *CodeError) Error() string {
	return fmt.Sprintf("%s: <%s> line %d (file line %d): %q: %v", e.Case, e.Block, e.Line, e.FileLine, e.Text,
		e.Err)
}

func (e *CodeError) Unwrap() error { return e.Err }

// ErrUnsupported marks PREVAIL syntax that has no eBPF encoding here.
var ErrUnsupported = errors.New("not supported")

// Translate assembles the case's code (see the package comment).
func Translate(c *Case) (*Program, error) {
	p := &Program{Labels: map[string]int{}}
	var text []string
	lineSrc := []int{} // generated line -> pc, or -1 for a label line
	var patches []patch
	for _, b := range c.Blocks {
		p.Labels[b.Label] = len(p.Source)
		text, lineSrc = append(text, "<"+b.Label+">:"), append(lineSrc, -1)
		for i, line := range b.Lines {
			src := Source{Block: b.Label, Line: i + 1, FileLine: b.Line + i, Text: line}
			r, err := rewrite(line)
			if err != nil {
				return nil, &CodeError{Case: c.String(), Source: src, Err: err}
			}
			pc := len(p.Source)
			if r.pseudo != nil {
				r.pseudo.pc = pc
				patches = append(patches, *r.pseudo)
			}
			p.Source = append(p.Source, src)
			p.Assume = append(p.Assume, r.assume)
			text, lineSrc = append(text, r.text), append(lineSrc, pc)
		}
	}
	insns, err := asm.AssembleLLVM(strings.Join(text, "\n"))
	if err != nil {
		return nil, p.assemblyError(c, err, lineSrc)
	}
	if len(insns) != len(p.Source) {
		return nil, fmt.Errorf("%s: %d lines gave %d instructions", c, len(p.Source), len(insns))
	}
	for _, pt := range patches {
		insns[pt.pc].Src, insns[pt.pc].Imm64 = pt.src, pt.imm64
		insns[pt.pc].Imm = int32(uint32(uint64(pt.imm64)))
	}
	p.Insns = insns
	return p, nil
}

// assemblyError maps an assembler error back to the block line.
func (p *Program) assemblyError(c *Case, err error, lineSrc []int) error {
	var ae *asm.Error
	if errors.As(err, &ae) && ae.Line >= 1 && ae.Line <= len(lineSrc) && lineSrc[ae.Line-1] >= 0 {
		return &CodeError{Case: c.String(), Source: p.Source[lineSrc[ae.Line-1]], Err: ae.Err}
	}
	return fmt.Errorf("%s: %w", c, err)
}

// patch is a map load whose source and immediate the text cannot carry.
type patch struct {
	pc    int
	src   uint8
	imm64 int64
}

// rewritten is one line in the LLVM syntax and what it cannot say.
type rewritten struct {
	text   string
	assume bool
	pseudo *patch
}

var (
	reAssume = regexp.MustCompile(`^\s*assume\s+(.*)$`)
	reMovSX  = regexp.MustCompile(`^\s*([rw]\d+)\s*s(8|16|32)=\s*([rw]\d+)\s*$`)
	reAtomic = regexp.MustCompile(
		`^\s*lock\s*\*\s*\(\s*u(32|64)\s*\*\s*\)\s*\(([^)]*)\)\s*(\+|\||&|\^|x|cx)=\s*r(\d+)(\s+fetch)?\s*$`)
	// PREVAIL takes the width from the destination: "w1 <<= r2" and
	// "assume w1 < r2" are 32-bit and name the source rN.
	reALUSrc  = regexp.MustCompile(`^([rw]\d+)\s*([^\s=]*=)\s*([rw]\d+)$`)
	reCondSrc = regexp.MustCompile(`^(if)\s+([rw]\d+)\s*([^\s\d]+)\s*([rw]\d+)(\s.*)?$`)
	reCallBTF = regexp.MustCompile(`^\s*call_btf\s+([-+]?(?:0x)?[0-9a-f]+)\s*$`)
	rePseudo  = regexp.MustCompile(`^\s*([rw]\d+)\s*=\s*(.*?)\s*$`)
	num       = `([-+]?(?:0x)?[0-9a-f]+)`
	pseudos   = []struct {
		re  *regexp.Regexp
		src uint8
	}{
		{regexp.MustCompile(`^map_fd(?:_programs)?\s+` + num + `$`), ebpf.PseudoMapFD},
		{regexp.MustCompile(`^map_val\(` + num + `\)\s*\+\s*` + num + `$`), ebpf.PseudoMapValue},
		{regexp.MustCompile(`^variable_addr\(` + num + `\)$`), ebpf.PseudoVarAddr},
		{regexp.MustCompile(`^code_addr\(` + num + `\)$`), ebpf.PseudoCodeAddr},
		{regexp.MustCompile(`^map_by_idx\(` + num + `\)$`), ebpf.PseudoMapIdx},
		{regexp.MustCompile(`^mva\(map_by_idx\(` + num + `\)\)\s*\+\s*` + num + `$`), ebpf.PseudoMapIdxValue},
	}
)

// rewrite turns one line of PREVAIL's syntax into AssembleLLVM's.
func rewrite(line string) (rewritten, error) {
	if i := strings.IndexAny(line, ";#"); i >= 0 { // PREVAIL's comment, and AssembleLLVM's
		line = line[:i]
	}
	if i := strings.Index(line, "//"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	switch {
	case line == "":
		return rewritten{}, fmt.Errorf("an empty line is no instruction")
	case strings.Contains(line, ":"):
		return rewritten{}, fmt.Errorf("a line is one instruction; labels are the names of blocks")
	case reAssume.MatchString(line):
		cond := reAssume.FindStringSubmatch(line)[1]
		if strings.Contains(cond, "&!=") {
			return rewritten{}, fmt.Errorf("assume with &!= (no bit set): %w", ErrUnsupported)
		}
		return rewritten{text: narrowCond("if " + cond + " goto +0"), assume: true}, nil
	case strings.Contains(line, "&!="):
		return rewritten{}, fmt.Errorf("jump if no bit set (&!=) has no eBPF opcode: %w", ErrUnsupported)
	case reMovSX.MatchString(line):
		m := reMovSX.FindStringSubmatch(line)
		if m[1][0] == 'w' && m[2] == "32" {
			return rewritten{}, fmt.Errorf("a 32-bit movsx from 32 bits has no encoding (RFC 9669: 8 or 16): %w",
				ErrUnsupported)
		}
		return rewritten{text: fmt.Sprintf("%s = (s%s)%s", m[1], m[2], narrowSrc(m[1], m[3]))}, nil
	case reAtomic.MatchString(line):
		return rewritten{text: rewriteAtomic(reAtomic.FindStringSubmatch(line))}, nil
	case reCallBTF.MatchString(line):
		v, err := parseInt(reCallBTF.FindStringSubmatch(line)[1])
		return rewritten{text: fmt.Sprintf("call %d", v)}, err
	}
	if m := reALUSrc.FindStringSubmatch(line); m != nil {
		return rewritten{text: fmt.Sprintf("%s %s %s", m[1], m[2], narrowSrc(m[1], m[3]))}, nil
	}
	if strings.HasPrefix(line, "if") {
		return rewritten{text: narrowCond(line)}, nil
	}
	if m := rePseudo.FindStringSubmatch(line); m != nil {
		if r, ok, err := rewritePseudo(m[1], m[2]); ok || err != nil {
			return r, err
		}
	}
	return rewritten{text: line}, nil
}

// narrowSrc names the source register src as wide as dst: PREVAIL writes
// r2 where the instruction reads w2.
func narrowSrc(dst, src string) string {
	if dst[0] == 'w' && src[0] == 'r' {
		return "w" + src[1:]
	}
	return src
}

// narrowCond applies narrowSrc to "if wD op rS goto ...".
func narrowCond(line string) string {
	if m := reCondSrc.FindStringSubmatch(line); m != nil {
		return fmt.Sprintf("%s %s %s %s%s", m[1], m[2], m[3], narrowSrc(m[2], m[4]), m[5])
	}
	return line
}

// rewriteAtomic spells PREVAIL's "lock *(u64 *)(r1 + 0) += r2 fetch",
// "x= r2" and "cx= r2" as LLVM does; a plain "lock ... += r2" is the same.
func rewriteAtomic(m []string) string {
	size, addr, op, reg, fetch := m[1], strings.TrimSpace(m[2]), m[3], m[4], m[5] != ""
	r, bits := "r", "_64"
	if size == "32" {
		r, bits = "w", "32_32"
	}
	switch {
	case op == "x":
		return fmt.Sprintf("%s%s = xchg%s(%s, %s%s)", r, reg, bits, addr, r, reg)
	case op == "cx":
		return fmt.Sprintf("%s0 = cmpxchg%s(%s, %s0, %s%s)", r, bits, addr, r, r, reg)
	case fetch:
		name := map[string]string{"+": "add", "|": "or", "&": "and", "^": "xor"}[op]
		return fmt.Sprintf("%s%s = atomic_fetch_%s((u%s *)(%s), %s%s)", r, reg, name, size, addr, r, reg)
	}
	return fmt.Sprintf("lock *(u%s *)(%s) %s= r%s", size, addr, op, reg)
}

// rewritePseudo spells a map load "r1 = map_fd 1" as "r1 = 0 ll" and
// returns the source and immediate to patch in.
func rewritePseudo(dst, rhs string) (rewritten, bool, error) {
	for _, p := range pseudos {
		m := p.re.FindStringSubmatch(rhs)
		if m == nil {
			continue
		}
		v, err := parseInt(m[1])
		if err != nil {
			return rewritten{}, true, err
		}
		imm64 := int64(uint32(v))
		if len(m) > 2 {
			off, err := parseInt(m[2])
			if err != nil {
				return rewritten{}, true, err
			}
			imm64 |= int64(uint64(uint32(off)) << 32)
		}
		return rewritten{text: dst + " = 0 ll", pseudo: &patch{src: p.src, imm64: imm64}}, true, nil
	}
	return rewritten{}, false, nil
}

// parseInt reads a 32-bit number as PREVAIL's to_int does (base from the
// prefix).
func parseInt(s string) (int32, error) {
	v, err := strconv.ParseInt(s, 0, 32)
	if err != nil {
		return 0, fmt.Errorf("bad number %q: %w", s, err)
	}
	return int32(v), nil
}
