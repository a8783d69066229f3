package asm

// The .data test-file format of uBPF and bpf_conformance: sections that
// start with a "-- name" line and run to the next one.
//
//	-- asm                 the program, in the syntax of this package
//	-- raw                 the program as 64-bit words (0x00000000000001b7),
//	                       or as 8 hex bytes a line (b7 00 00 00 01 00 00 00)
//	-- mem                 input memory: hex bytes, or tcpdump -x lines
//	                       ("0x0000:  0026 622f ...")
//	-- result              the expected r0, hexadecimal (0x...) or decimal
//	-- error               the expected load error (uBPF's wording)
//	-- error pattern       a regular expression for the expected run-time error
//	-- no jit              why the JIT does not detect the error
//	-- asm @ f, -- mem @ f the section is in file f beside this one
//
// Other sections ("-- c", "-- description", "-- no register offset", the
// ELF tests' "-- pyelf") are kept verbatim in Sections. Lines before the
// first section (license headers) are ignored; in the typed sections, '#'
// starts a comment, as in bpf_conformance's bpf_test_parser.cc.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TestFile is a parsed .data file.
type TestFile struct {
	Asm          string            // "-- asm" section
	AsmFile      string            // "-- asm @ file": the file that holds it
	Raw          []uint64          // "-- raw": one little-endian word per slot
	Mem          []byte            // "-- mem"
	MemFile      string            // "-- mem @ file"
	Result       *uint64           // "-- result"; nil when absent or empty
	Error        string            // "-- error"
	ErrorPattern string            // "-- error pattern"
	NoJIT        string            // "-- no jit"
	Sections     map[string]string // every section's text, verbatim

	asmLine int // line of the file where the asm section's text starts
}

// ErrNoProgram is returned by Program for a file with neither asm nor raw.
var ErrNoProgram = errors.New("test file has no program: no -- asm or -- raw section")

// section is one "-- name" section being read.
type section struct {
	name    string
	include string
	line    int // line of the first text line
	lines   []string
}

// ParseTestFile reads a .data file. Sections it does not know are kept in
// Sections; a malformed known section is an error that names its line.
func ParseTestFile(r io.Reader) (*TestFile, error) {
	sections, err := splitSections(r)
	if err != nil {
		return nil, err
	}
	tf := &TestFile{Sections: map[string]string{}}
	for _, s := range sections {
		if _, dup := tf.Sections[s.name]; dup {
			return nil, fmt.Errorf("line %d: second %q section", s.line-1, s.name)
		}
		tf.Sections[s.name] = strings.Join(s.lines, "\n")
		if err := tf.fill(s); err != nil {
			return nil, err
		}
	}
	return tf, nil
}

// splitSections cuts the file into sections at the "-- " lines.
func splitSections(r io.Reader) ([]*section, error) {
	var out []*section
	var cur *section
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if name, ok := strings.CutPrefix(line, "-- "); ok || line == "--" {
			cur = newSection(strings.TrimSpace(name), n+1)
			out = append(out, cur)
			continue
		}
		if cur != nil {
			cur.lines = append(cur.lines, line)
		}
	}
	return out, sc.Err()
}

// newSection parses a header's "name" or "name @ file".
func newSection(header string, line int) *section {
	name, include, _ := strings.Cut(header, "@")
	return &section{name: strings.TrimSpace(name), include: strings.TrimSpace(include), line: line}
}

// fill sets the typed field of one known section.
func (tf *TestFile) fill(s *section) error {
	text := strings.Join(s.lines, "\n")
	var err error
	switch s.name {
	case "asm":
		tf.Asm, tf.AsmFile, tf.asmLine = text, s.include, s.line
	case "raw":
		tf.Raw, err = parseRaw(s)
	case "mem":
		tf.MemFile = s.include
		tf.Mem, err = parseMem(s)
	case "result":
		tf.Result, err = parseResult(s)
	case "error":
		tf.Error = plainText(s)
	case "error pattern":
		tf.ErrorPattern = plainText(s)
	case "no jit":
		tf.NoJIT = plainText(s)
	}
	return err
}

// fields yields each line's comment-free fields with its line number.
func (s *section) fields(yield func(line int, f []string) error) error {
	for i, l := range s.lines {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		if f := strings.Fields(l); len(f) > 0 {
			if err := yield(s.line+i, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// plainText is a section's comment-free, non-blank lines.
func plainText(s *section) string {
	var out []string
	_ = s.fields(func(_ int, f []string) error {
		out = append(out, strings.Join(f, " "))
		return nil
	})
	return strings.Join(out, "\n")
}

func parseResult(s *section) (*uint64, error) {
	var res *uint64
	err := s.fields(func(line int, f []string) error {
		if res != nil || len(f) != 1 {
			return fmt.Errorf("line %d: -- result holds one number, found %q", line, strings.Join(f, " "))
		}
		v, err := parseUint(f[0])
		if err != nil {
			return fmt.Errorf("line %d: -- result: %w", line, err)
		}
		res = &v
		return nil
	})
	return res, err
}

// parseUint reads 0x-hexadecimal or decimal, as the .data files write.
func parseUint(s string) (uint64, error) {
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		return strconv.ParseUint(h, 16, 64)
	}
	return strconv.ParseUint(s, 10, 64)
}

// parseRaw reads words, or lines of 8 hex bytes that make one word each.
func parseRaw(s *section) ([]uint64, error) {
	var words []uint64
	err := s.fields(func(line int, f []string) error {
		if isByteLine(f) {
			bs, err := hexBytes(f)
			if err != nil || len(bs) != 8 {
				return fmt.Errorf("line %d: -- raw: a line of bytes must hold the 8 bytes of one slot", line)
			}
			words = append(words, leWord(bs))
			return nil
		}
		for _, w := range f {
			v, err := parseUint(w)
			if err != nil {
				return fmt.Errorf("line %d: -- raw: %q is not a 64-bit word: %w", line, w, err)
			}
			words = append(words, v)
		}
		return nil
	})
	return words, err
}

// isByteLine reports whether every field is two hex digits ("b7").
func isByteLine(f []string) bool {
	for _, x := range f {
		if len(x) != 2 || digitValue(x[0]) > 15 || digitValue(x[1]) > 15 {
			return false
		}
	}
	return true
}

func leWord(b []byte) uint64 {
	var w uint64
	for i := 7; i >= 0; i-- {
		w = w<<8 | uint64(b[i])
	}
	return w
}

// parseMem reads hex bytes; a leading "0x0010:" offset (tcpdump -x) is
// skipped and a group of 2n digits ("0026") is n bytes in order.
func parseMem(s *section) ([]byte, error) {
	var mem []byte
	err := s.fields(func(line int, f []string) error {
		if strings.HasSuffix(f[0], ":") {
			f = f[1:]
		}
		bs, err := hexBytes(f)
		if err != nil {
			return fmt.Errorf("line %d: -- mem: %w", line, err)
		}
		mem = append(mem, bs...)
		return nil
	})
	return mem, err
}

// hexBytes decodes groups of hex digit pairs.
func hexBytes(groups []string) ([]byte, error) {
	var out []byte
	for _, g := range groups {
		if len(g)%2 != 0 {
			return nil, fmt.Errorf("%q is not a whole number of hex bytes", g)
		}
		for i := 0; i < len(g); i += 2 {
			hi, lo := digitValue(g[i]), digitValue(g[i+1])
			if hi > 15 || lo > 15 {
				return nil, fmt.Errorf("%q is not hexadecimal", g)
			}
			out = append(out, byte(hi<<4|lo))
		}
	}
	return out, nil
}
