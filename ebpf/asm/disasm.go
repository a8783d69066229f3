package asm

// Disassembly into the uBPF syntax that Assemble reads, one instruction a
// line. The form table (forms.go) gives the mnemonic; the shape says which
// fields to print and how:
//
//   - immediates in decimal when negative or within ±10, else as a 32-bit
//     hexadecimal pattern (bpf_conformance's disassembler does the same);
//     lddw's 64-bit immediate always in hexadecimal;
//   - memory offsets and jump distances in signed decimal, "[%r10-8]",
//     "+3", so that they read as distances.
//
// Jump targets are printed as distances, not labels, so the output
// assembles back to the same instructions: Assemble(Disassemble(p)) == p for
// every well-formed p (TestDisassembleRoundTrip, FuzzAssemble). An
// instruction that is not well formed (unknown opcode, an unused field not
// zero) has no text that assembles to it; it is printed as
//
//	.invalid 0x<word> # why
//
// with its 8-byte word as the .data files write raw code, and Assemble
// rejects that line.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// Disassemble prints insns in the uBPF syntax, one per line.
func Disassemble(insns []ebpf.Instruction) string {
	var b strings.Builder
	for _, ins := range insns {
		b.WriteString(Format(ins))
		b.WriteByte('\n')
	}
	return b.String()
}

// Format prints one instruction in the uBPF syntax.
func Format(ins ebpf.Instruction) string {
	f, err := lookup(ins)
	if err != nil {
		return invalid(ins, err)
	}
	ops := formatOperands(f.shape, ins)
	if ops == "" {
		return f.name
	}
	return f.name + " " + ops
}

// invalid prints an instruction that has no form.
func invalid(ins ebpf.Instruction, err error) string {
	var words []string
	for _, w := range Words(ins) {
		words = append(words, fmt.Sprintf("0x%016x", w))
	}
	return invalidMnemonic + " " + strings.Join(words, " ") + " # " + err.Error()
}

// invalidMnemonic starts the line of a malformed instruction.
const invalidMnemonic = ".invalid"

// Words is ins as the little-endian 64-bit words of its slots, the way the
// "-- raw" sections of .data files write code.
func Words(ins ebpf.Instruction) []uint64 {
	imm := ins.Imm
	if ins.IsLDDW() {
		imm = int32(uint32(uint64(ins.Imm64)))
	}
	w := []uint64{uint64(ins.Opcode) | uint64(ins.Dst&0xf|ins.Src<<4)<<8 | uint64(uint16(ins.Offset))<<16 |
		uint64(uint32(imm))<<32}
	if ins.IsLDDW() {
		w = append(w, uint64(ins.Imm64)>>32<<32)
	}
	return w
}

func formatOperands(s shape, ins ebpf.Instruction) string {
	dst, src := reg(ins.Dst), reg(ins.Src)
	switch s {
	case shapeDst, shapeCallReg:
		return dst
	case shapeDstSrc:
		return dst + ", " + src
	case shapeDstImm:
		return dst + ", " + imm(ins.Imm)
	case shapeDstImm64:
		return dst + ", " + fmt.Sprintf("%#x", uint64(ins.Imm64))
	case shapeLoad:
		return dst + ", " + mem(ins.Src, ins.Offset)
	case shapeStore:
		return mem(ins.Dst, ins.Offset) + ", " + src
	case shapeStoreImm:
		return mem(ins.Dst, ins.Offset) + ", " + imm(ins.Imm)
	case shapeJump:
		return distance(int64(ins.Offset))
	case shapeJumpLong, shapeCallLocal:
		return distance(int64(ins.Imm))
	case shapeCondImm:
		return dst + ", " + imm(ins.Imm) + ", " + distance(int64(ins.Offset))
	case shapeCondSrc:
		return dst + ", " + src + ", " + distance(int64(ins.Offset))
	case shapeCall, shapeAbs:
		return imm(ins.Imm)
	case shapeInd:
		return src + ", " + imm(ins.Imm)
	}
	return ""
}

func reg(r uint8) string { return "%r" + strconv.Itoa(int(r)) }

// imm prints a 32-bit immediate: small or negative values in decimal,
// others as a hexadecimal bit pattern.
func imm(v int32) string {
	if v >= -10 && v <= 10 || v < 0 && v != -1<<31 {
		return strconv.Itoa(int(v))
	}
	return fmt.Sprintf("%#x", uint32(v))
}

func mem(r uint8, off int16) string {
	if off == 0 {
		return "[" + reg(r) + "]"
	}
	return "[" + reg(r) + distance(int64(off)) + "]"
}

func distance(d int64) string {
	if d >= 0 {
		return "+" + strconv.FormatInt(d, 10)
	}
	return strconv.FormatInt(d, 10)
}
