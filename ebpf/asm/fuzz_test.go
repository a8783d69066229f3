package asm

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// FuzzAssemble: Assemble never panics, rejects with an *Error or
// ErrEmpty, and what it accepts is well formed and round-trips through
// Disassemble and through the binary encoding.
func FuzzAssemble(f *testing.F) {
	for _, tt := range encodingTests {
		f.Add(tt.asm)
	}
	for _, tt := range syntaxTests {
		f.Add(tt.asm)
	}
	for _, tt := range errorTests {
		if len(tt.asm) < 1000 {
			f.Add(tt.asm)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		insns, err := Assemble(src)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("Assemble(%q) = %v, want an *Error or ErrEmpty", src, err)
			}
			return
		}
		for _, ins := range insns {
			if err := checkEncoding(ins); err != nil {
				t.Fatalf("Assemble(%q) produced a malformed instruction %+v: %v", src, ins, err)
			}
		}
		checkTextRoundTrip(t, insns)
		decoded, err := ebpf.Decode(ebpf.Encode(nil, insns))
		if err != nil || !slices.Equal(decoded, insns) {
			t.Fatalf("Decode(Encode(Assemble(%q))) = %+v, %v", src, decoded, err)
		}
	})
}

func checkTextRoundTrip(t *testing.T, insns []ebpf.Instruction) {
	t.Helper()
	text := Disassemble(insns)
	back, err := Assemble(text)
	if err != nil || !slices.Equal(back, insns) {
		t.Fatalf("Assemble(Disassemble(%+v)) = %+v, %v\n%s", insns, back, err, text)
	}
	if llvm := DisassembleLLVM(insns); strings.Contains(llvm, "<unknown>") {
		t.Fatalf("DisassembleLLVM of well-formed code prints <unknown>:\n%s", llvm)
	}
}

// FuzzDisassemble: any bytes that Decode accepts disassemble in both
// syntaxes without panicking; each well-formed instruction round-trips
// through Format and Assemble, and each other one prints as .invalid,
// which Assemble rejects.
func FuzzDisassemble(f *testing.F) {
	for _, tt := range encodingTests {
		b, _ := hexWords(tt.want)
		f.Add(b)
	}
	f.Add([]byte{0x06, 0, 0, 0, 0, 0, 0, 0, 0xdc, 0, 0, 0, 48, 0, 0, 0})
	f.Add([]byte{0x18, 0x10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, code []byte) {
		insns, err := ebpf.Decode(code)
		if err != nil {
			return
		}
		_ = DisassembleLLVM(insns)
		lines := strings.Split(strings.TrimSuffix(Disassemble(insns), "\n"), "\n")
		if len(insns) > 0 && len(lines) != len(insns) {
			t.Fatalf("%d instructions, %d lines", len(insns), len(lines))
		}
		for i, ins := range insns {
			back, err := Assemble(lines[i])
			if checkEncoding(ins) != nil {
				if err == nil || !strings.HasPrefix(lines[i], ".invalid ") {
					t.Fatalf("malformed %+v printed as %q, which assembles: %v", ins, lines[i], err)
				}
				continue
			}
			if err != nil || len(back) != 1 || back[0] != ins {
				t.Fatalf("%+v printed as %q assembles to %+v, %v", ins, lines[i], back, err)
			}
		}
	})
}

// hexWords decodes "b7 00 ..." into bytes.
func hexWords(s string) ([]byte, error) {
	return hexBytes(strings.Fields(s))
}

// FuzzParseTestFile: ParseTestFile and Program never panic, and a program
// they accept round-trips through Disassemble.
func FuzzParseTestFile(f *testing.F) {
	f.Add([]byte(sampleFile))
	f.Add([]byte("-- raw\n0x5566778800000018\n0x1122334400000000\n-- result\n0x1"))
	f.Add([]byte("-- raw\nb7 01 00 00 02 00 00 00\n-- mem\n0x0000:  0026 622f\n-- error\nx"))
	f.Add([]byte("-- asm @ f\n-- mem @ g\n-- Unknown directive\n-- asm\nexit\n-- raw\n0x95"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tf, err := ParseTestFile(bytes.NewReader(data))
		if err != nil {
			return
		}
		insns, err := tf.Program()
		if err != nil {
			return
		}
		for _, ins := range insns {
			if err := checkEncoding(ins); err != nil {
				t.Fatalf("Program() returned a malformed instruction %+v: %v", ins, err)
			}
		}
		checkTextRoundTrip(t, insns)
	})
}
