package asm

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

const sampleFile = `# Copyright header
# SPDX-License-Identifier: MIT
-- asm
mov %r0, 1 # set
exit
-- mem
00 01 02 03
aa BB # comment
-- result
0x1
-- no jit
not detected
-- c
int main() { return 1; } # kept verbatim
-- error pattern
uBPF error: .* at PC 1
`

func TestParseTestFile(t *testing.T) {
	tf, err := ParseTestFile(strings.NewReader(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	if tf.Asm != "mov %r0, 1 # set\nexit" {
		t.Errorf("Asm = %q", tf.Asm)
	}
	if !slices.Equal(tf.Mem, []byte{0, 1, 2, 3, 0xaa, 0xbb}) {
		t.Errorf("Mem = % x", tf.Mem)
	}
	if tf.Result == nil || *tf.Result != 1 {
		t.Errorf("Result = %v", tf.Result)
	}
	if tf.NoJIT != "not detected" || tf.ErrorPattern != "uBPF error: .* at PC 1" {
		t.Errorf("NoJIT %q, ErrorPattern %q", tf.NoJIT, tf.ErrorPattern)
	}
	if tf.Sections["c"] != "int main() { return 1; } # kept verbatim" {
		t.Errorf("Sections[c] = %q", tf.Sections["c"])
	}
	prog, err := tf.Program()
	if err != nil || len(prog) != 2 {
		t.Errorf("Program() = %v, %v", prog, err)
	}
}

func TestParseTestFileSections(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		check    func(*TestFile) bool
	}{
		{"decimal result", "-- result\n18446744073709551615", func(tf *TestFile) bool {
			return tf.Result != nil && *tf.Result == 1<<64-1
		}},
		{"empty result", "-- result\n", func(tf *TestFile) bool { return tf.Result == nil }},
		{"raw words", "-- raw\n0x00000000000001b7\n0x0000000000000095", func(tf *TestFile) bool {
			return slices.Equal(tf.Raw, []uint64{0x1b7, 0x95})
		}},
		{"raw bytes", "-- raw\nb7 01 00 00 02 00 00 00\n95 00 00 00 00 00 00 00", func(tf *TestFile) bool {
			return slices.Equal(tf.Raw, []uint64{0x00000002000001b7, 0x95})
		}},
		{"tcpdump mem", "-- mem\n0x0000:  0026 622f\n0x0004:  47", func(tf *TestFile) bool {
			return slices.Equal(tf.Mem, []byte{0x00, 0x26, 0x62, 0x2f, 0x47})
		}},
		{"includes", "-- asm @ prog.asm\n-- mem @ pkt.hex", func(tf *TestFile) bool {
			return tf.AsmFile == "prog.asm" && tf.MemFile == "pkt.hex" && tf.Asm == ""
		}},
		{"error text", "-- error\nFailed to load code: bad\n", func(tf *TestFile) bool {
			return tf.Error == "Failed to load code: bad"
		}},
		{"unknown section", "-- Unknown directive\nwhatever", func(tf *TestFile) bool {
			return tf.Sections["Unknown directive"] == "whatever"
		}},
		{"crlf", "-- result\r\n0x2\r\n", func(tf *TestFile) bool { return tf.Result != nil && *tf.Result == 2 }},
	} {
		tf, err := ParseTestFile(strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !tt.check(tf) {
			t.Errorf("%s: parsed %+v", tt.name, tf)
		}
	}
}

func TestParseTestFileErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"-- result\nabc", "line 2: -- result"},
		{"-- result\n1\n2", "line 3: -- result holds one number"},
		{"-- mem\n00 0g", "line 2: -- mem"},
		{"-- mem\n001", "not a whole number of hex bytes"},
		{"-- raw\n0xzz", "line 2: -- raw"},
		{"-- raw\nb7 00 00", "must hold the 8 bytes"},
		{"-- asm\nexit\n-- asm\nexit", `line 3: second "asm" section`},
	} {
		if _, err := ParseTestFile(strings.NewReader(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseTestFile(%q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}

func TestProgramErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"# nothing", ErrNoProgram.Error()},
		{"-- result\n0", ErrNoProgram.Error()},
		{"-- asm\n-- result\n0", "-- asm: no instructions"},
		{"-- raw\n", "-- raw: no instructions"},
		{"# header\n-- asm\nmov %r0, 1\n\nbogus %r0\n", `line 5: "bogus %r0": unknown mnemonic "bogus"`},
		{"-- raw\n0x0000000000000018", "lddw without its second slot"},
		{"-- raw\n0x0000000000000006\n0x00000000000000ff", "instruction 1 (slot 1, 0x00000000000000ff): unknown opcode 0xff"},
		{"-- asm\nmov %r0, 1\n-- raw\n0x00000002000000b7", "differ at instruction 0: mov %r0, 1 against mov %r0, 2"},
		{"-- asm\nexit\nexit\n-- raw\n0x0000000000000095", "-- asm has 2 instructions, -- raw 1"},
		{"-- asm @ f.asm", "the program is in f.asm: read the test with ReadTestFile"},
	} {
		tf, err := ParseTestFile(strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("ParseTestFile(%q): %v", tt.in, err)
			continue
		}
		if _, err := tf.Program(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Program() of %q = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
	tf, _ := ParseTestFile(strings.NewReader("-- asm\nja nowhere"))
	var ae *Error
	if _, err := tf.Program(); !errors.As(err, &ae) || ae.Line != 2 {
		t.Errorf("Program() = %v, want an *Error on line 2 of the file", err)
	}
}

func TestProgramRaw(t *testing.T) {
	tf, err := ParseTestFile(strings.NewReader("-- raw\n0x5566778800000018\n0x1122334400000000\n0x0000000000000095"))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := tf.Program()
	want := []ebpf.Instruction{{Opcode: ebpf.OpLDDW, Imm: 0x55667788, Imm64: 0x1122334455667788}, {Opcode: 0x95}}
	if err != nil || !slices.Equal(prog, want) {
		t.Errorf("Program() = %+v, %v", prog, err)
	}
}
