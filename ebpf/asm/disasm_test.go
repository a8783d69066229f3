package asm

import (
	"bufio"
	"encoding/hex"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// formSamples builds instructions of form f with operand values drawn from
// the edges of each field's range.
func formSamples(f *form) []ebpf.Instruction {
	regs := []uint8{0, 1, 10, 15}
	offs := []int16{0, 1, -1, 10, -10, 11, math.MaxInt16, math.MinInt16}
	imms := []int32{0, 1, -1, 10, -10, 11, -11, 0x7fffffff, math.MinInt32}
	imm64s := []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 0x123456789abcdef0}
	var out []ebpf.Instruction
	for i := range 24 {
		ins := ebpf.Instruction{Opcode: f.op, Src: f.src, Offset: f.off, Imm: f.imm}
		if f.uses(fDst) {
			ins.Dst = regs[i%len(regs)]
		}
		if f.uses(fSrc) {
			ins.Src = regs[(i/2)%len(regs)]
		}
		if f.uses(fOff) {
			ins.Offset = offs[i%len(offs)]
		}
		if f.uses(fImm) {
			ins.Imm = imms[i%len(imms)]
		}
		if f.shape == shapeDstImm64 {
			ins.Imm64 = imm64s[i%len(imm64s)]
			ins.Imm = int32(uint32(uint64(ins.Imm64)))
		}
		out = append(out, ins)
	}
	return out
}

func TestDisassembleRoundTrip(t *testing.T) {
	for _, f := range allForms {
		prog := formSamples(f)
		text := Disassemble(prog)
		back, err := Assemble(text)
		if err != nil {
			t.Errorf("%s: Assemble(Disassemble) failed: %v\n%s", f.name, err, text)
			continue
		}
		for i := range prog {
			if back[i] != prog[i] {
				t.Errorf("%s: %q assembles to %+v, want %+v", f.name, Format(prog[i]), back[i], prog[i])
			}
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		ins  ebpf.Instruction
		want string
	}{
		{ebpf.Instruction{Opcode: 0xb7, Imm: 10}, "mov %r0, 10"},
		{ebpf.Instruction{Opcode: 0xb7, Imm: 11}, "mov %r0, 0xb"},
		{ebpf.Instruction{Opcode: 0xb7, Imm: -11}, "mov %r0, -11"},
		{ebpf.Instruction{Opcode: 0xb7, Imm: math.MinInt32}, "mov %r0, 0x80000000"},
		{ebpf.Instruction{Opcode: 0x79, Dst: 1, Src: 10, Offset: -8}, "ldxdw %r1, [%r10-8]"},
		{ebpf.Instruction{Opcode: 0x79, Dst: 1, Src: 10}, "ldxdw %r1, [%r10]"},
		{ebpf.Instruction{Opcode: 0x05, Offset: 0}, "ja +0"},
		{ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: 2, Imm: -1, Imm64: -1}, "lddw %r2, 0xffffffffffffffff"},
		{ebpf.Instruction{Opcode: 0x85, Src: 1, Imm: -3}, "call local -3"},
		{ebpf.Instruction{Opcode: 0xd7, Dst: 3, Imm: 32}, "bswap32 %r3"},
	} {
		if got := Format(tt.ins); got != tt.want {
			t.Errorf("Format(%+v) = %q, want %q", tt.ins, got, tt.want)
		}
	}
}

func TestFormatInvalid(t *testing.T) {
	for _, tt := range []struct {
		ins  ebpf.Instruction
		want string
	}{
		{ebpf.Instruction{Opcode: 0x07, Offset: 1, Imm: 1}, ".invalid 0x0000000100010007 # opcode 0x07 (add): offset is 1, must be 0"},
		{ebpf.Instruction{Opcode: 0xff}, ".invalid 0x00000000000000ff # unknown opcode 0xff"},
		{ebpf.Instruction{Opcode: 0xdc, Imm: 48}, ".invalid 0x00000030000000dc # opcode 0xdc (be16/be32/be64): imm is 48, must be 16 or 32 or 64"},
		{ebpf.Instruction{Opcode: 0xbf, Offset: 5}, ".invalid 0x00000000000500bf # opcode 0xbf (mov/movsx864/movsx1664/movsx3264): offset is 5, must be 0 or 8 or 16 or 32"},
		{ebpf.Instruction{Opcode: ebpf.OpLDDW, Src: 1, Imm: 2, Imm64: 0x100000002}, ".invalid 0x0000000200001018 0x0000000100000000 # opcode 0x18 (lddw): src is 1, must be 0"},
		{ebpf.Instruction{Opcode: 0xb7, Imm64: 5}, ".invalid 0x00000000000000b7 # Imm64 0x5 set on a one-slot instruction"},
		{ebpf.Instruction{Opcode: 0xb7, Dst: 16}, ".invalid 0x00000000000000b7 # register field out of range (dst 16, src 0)"},
	} {
		got := Format(tt.ins)
		if got != tt.want {
			t.Errorf("Format(%+v) =\n %q, want\n %q", tt.ins, got, tt.want)
		}
		if _, err := Assemble(got); err == nil {
			t.Errorf("Assemble(%q) succeeded", got)
		}
		if FormatLLVM(tt.ins) != "<unknown>" {
			t.Errorf("FormatLLVM(%+v) = %q, want <unknown>", tt.ins, FormatLLVM(tt.ins))
		}
	}
}

// TestDisassembleLLVM checks the LLVM syntax against what LLVM 19 prints
// for the same bytes (testdata/llvm-objdump.txt says how it was made).
func TestDisassembleLLVM(t *testing.T) {
	f, err := os.Open("testdata/llvm-objdump.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		hexBytes, want, _ := strings.Cut(line, "\t")
		code, err := hex.DecodeString(strings.ReplaceAll(hexBytes, " ", ""))
		if err != nil {
			t.Fatalf("bad golden line %q: %v", line, err)
		}
		insns, err := ebpf.Decode(code)
		if err != nil || len(insns) != 1 {
			t.Fatalf("golden line %q does not decode to one instruction: %v", line, err)
		}
		if got := strings.TrimSuffix(DisassembleLLVM(insns), "\n"); got != want {
			t.Errorf("%s: got %q, LLVM prints %q", hexBytes, got, want)
		}
		n++
	}
	if n < 400 {
		t.Errorf("only %d golden lines", n)
	}
}

func TestWords(t *testing.T) {
	ins := ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: 1, Imm: 0x55667788, Imm64: 0x1122334455667788}
	w := Words(ins)
	if len(w) != 2 || w[0] != 0x5566778800000118 || w[1] != 0x1122334400000000 {
		t.Errorf("Words = %#x", w)
	}
}
