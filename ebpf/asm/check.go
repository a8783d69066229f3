package asm

// The well-formedness check: an instruction is well formed when a printed
// form of the table (forms.go) has its opcode and every field the form does
// not write holds the form's fixed value, zero unless the form says
// otherwise (RFC 9669 §3: "unused fields must be set to zero"). This is
// exactly the set of instructions Assemble can produce and Disassemble can
// print so that they assemble back; it is what TestFile.Program demands of
// "-- raw" code, and it rejects all 45 "unused-*" negative files of
// bpf_conformance. It does not judge registers beyond r10, jump targets or
// anything else about a program as a whole: that is the validator's job.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// lookup finds the printed form of ins, or says why there is none.
func lookup(ins ebpf.Instruction) (*form, error) {
	cands := byOpcode[ins.Opcode]
	if len(cands) == 0 {
		return nil, fmt.Errorf("unknown opcode 0x%02x", ins.Opcode)
	}
	if ins.Dst > 15 || ins.Src > 15 {
		return nil, fmt.Errorf("register field out of range (dst %d, src %d)", ins.Dst, ins.Src)
	}
	if !ins.IsLDDW() && ins.Imm64 != 0 {
		return nil, fmt.Errorf("Imm64 %#x set on a one-slot instruction", ins.Imm64)
	}
	if ins.IsLDDW() && ins.Imm != int32(uint32(uint64(ins.Imm64))) {
		return nil, fmt.Errorf("lddw Imm %#x is not the low half of Imm64 %#x", ins.Imm, ins.Imm64)
	}
	for _, f := range cands {
		if f.firstMismatch(ins) == "" {
			return f, nil
		}
	}
	return nil, mismatch(cands, ins)
}

// firstMismatch names the first field of ins that differs from the form's
// fixed value, or returns "".
func (f *form) firstMismatch(ins ebpf.Instruction) string {
	switch {
	case !f.uses(fDst) && ins.Dst != 0:
		return "dst"
	case !f.uses(fSrc) && ins.Src != f.src:
		return "src"
	case !f.uses(fOff) && ins.Offset != f.off:
		return "offset"
	case !f.uses(fImm) && ins.Imm != f.imm:
		return "imm"
	}
	return ""
}

// mismatch explains why no form of ins's opcode fits: the field of the
// first candidate that is wrong, and the values the candidates allow.
func mismatch(cands []*form, ins ebpf.Instruction) error {
	name := cands[0].firstMismatch(ins)
	var allowed []string
	for _, f := range cands {
		v := fmt.Sprint(f.fixed(name))
		if f.firstMismatch(ins) == name && !slices.Contains(allowed, v) {
			allowed = append(allowed, v)
		}
	}
	var names []string
	for _, f := range cands {
		if len(names) == 0 || names[len(names)-1] != f.name {
			names = append(names, f.name)
		}
	}
	return fmt.Errorf("opcode 0x%02x (%s): %s is %d, must be %s", ins.Opcode, strings.Join(names, "/"), name,
		fieldValue(ins, name), strings.Join(allowed, " or "))
}

// fieldValue is the named field of ins.
func fieldValue(ins ebpf.Instruction, name string) int64 {
	switch name {
	case "dst":
		return int64(ins.Dst)
	case "src":
		return int64(ins.Src)
	case "offset":
		return int64(ins.Offset)
	}
	return int64(ins.Imm)
}

// fixed is the value form f requires of the named unused field.
func (f *form) fixed(name string) int64 {
	switch name {
	case "src":
		return int64(f.src)
	case "offset":
		return int64(f.off)
	case "imm":
		return int64(f.imm)
	}
	return 0
}

// checkEncoding reports whether ins is well formed: a known opcode whose
// unused fields hold their fixed values. It is what Assemble can produce.
func checkEncoding(ins ebpf.Instruction) error {
	_, err := lookup(ins)
	return err
}
