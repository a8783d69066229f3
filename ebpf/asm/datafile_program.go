package asm

// From a parsed .data file to a program: ReadTestFile reads the files that
// "-- asm @" and "-- mem @" sections name, and Program assembles the asm
// section or decodes the raw one. Raw code is checked to be well formed
// (check.go), which is how the "unused-*" negative tests of
// bpf_conformance, "-- raw" programs with a non-zero unused field, fail.
// A file with both sections (uBPF's encoding tests: alu.data, jmp.data,
// ...) must have them agree, which makes those files tests of Assemble.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// ReadTestFile parses the .data file at path and reads the files its
// "-- asm @" and "-- mem @" sections name, relative to its directory.
func ReadTestFile(path string) (*TestFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tf, err := ParseTestFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := tf.include(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tf, nil
}

// include reads the sections that live in other files.
func (tf *TestFile) include(dir string) error {
	if tf.AsmFile != "" {
		b, err := os.ReadFile(filepath.Join(dir, tf.AsmFile))
		if err != nil {
			return err
		}
		tf.Asm, tf.asmLine = string(b), 1
	}
	if tf.MemFile != "" {
		b, err := os.ReadFile(filepath.Join(dir, tf.MemFile))
		if err != nil {
			return err
		}
		s := &section{name: "mem", line: 1, lines: strings.Split(string(b), "\n")}
		if tf.Mem, err = parseMem(s); err != nil {
			return fmt.Errorf("%s: %w", tf.MemFile, err)
		}
	}
	return nil
}

// Program is the test's program: Asm assembled, or Raw decoded and checked
// to be well formed (a known opcode, unused fields zero). When a file has
// both, they must agree. Errors name the line of the file.
func (tf *TestFile) Program() ([]ebpf.Instruction, error) {
	_, hasAsm := tf.Sections["asm"]
	_, hasRaw := tf.Sections["raw"]
	switch {
	case hasAsm && hasRaw:
		return tf.bothPrograms()
	case hasAsm:
		return tf.assembled()
	case hasRaw:
		return tf.decoded()
	}
	return nil, ErrNoProgram
}

func (tf *TestFile) assembled() ([]ebpf.Instruction, error) {
	if tf.AsmFile != "" && tf.Asm == "" {
		return nil, fmt.Errorf("the program is in %s: read the test with ReadTestFile", tf.AsmFile)
	}
	insns, err := Assemble(tf.Asm)
	var ae *Error
	if errors.As(err, &ae) && tf.AsmFile == "" {
		ae.Line += tf.asmLine - 1 // a line of the .data file
	}
	if errors.Is(err, ErrEmpty) {
		err = fmt.Errorf("-- asm: %w", err)
	}
	return insns, err
}

func (tf *TestFile) decoded() ([]ebpf.Instruction, error) {
	if len(tf.Raw) == 0 {
		return nil, fmt.Errorf("-- raw: %w", ErrEmpty)
	}
	code := make([]byte, 0, 8*len(tf.Raw))
	for _, w := range tf.Raw {
		code = append(code, byte(w), byte(w>>8), byte(w>>16), byte(w>>24), byte(w>>32), byte(w>>40), byte(w>>48),
			byte(w>>56))
	}
	insns, err := ebpf.Decode(code)
	if err != nil {
		return nil, fmt.Errorf("-- raw: %w", err)
	}
	slot := 0
	for i, ins := range insns {
		if err := checkEncoding(ins); err != nil {
			return nil, fmt.Errorf("-- raw: instruction %d (slot %d, 0x%016x): %w", i, slot, tf.Raw[slot], err)
		}
		slot += ins.Slots()
	}
	return insns, nil
}

// bothPrograms checks that a file's asm and raw sections are one program.
func (tf *TestFile) bothPrograms() ([]ebpf.Instruction, error) {
	a, err := tf.assembled()
	if err != nil {
		return nil, err
	}
	r, err := tf.decoded()
	if err != nil {
		return nil, err
	}
	for i := range min(len(a), len(r)) {
		if a[i] != r[i] {
			return nil, fmt.Errorf("-- asm and -- raw differ at instruction %d: %s against %s", i, Format(a[i]), Format(r[i]))
		}
	}
	if len(a) != len(r) {
		return nil, fmt.Errorf("-- asm has %d instructions, -- raw %d", len(a), len(r))
	}
	return a, nil
}
