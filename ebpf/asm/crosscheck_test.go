package asm

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// TestFormsAgreeWithValidate cross-checks the two encodings of the
// instruction-field rules: the form table here (forms.go, checkEncoding) and
// the validator's per-class checks (ebpf/validate_fields.go). For every
// opcode and a spread of field values with registers r0-r9, an instruction
// the validator accepts must be one the form table spells, and the reverse,
// except where the two are documented to differ: lddw pseudo sources (the
// assembler writes them for the ELF loader; the validator wants them
// resolved first), calls by BTF id, and callx.
func TestFormsAgreeWithValidate(t *testing.T) {
	offsets := []int16{0, 1, 8, 16, 32, -1, 3}
	imms := []int32{0, 1, 8, 16, 32, 64, 0x01, 0x40, 0x41, 0xe1, 0xf1, 0x50, 0xa0, 0xa1, 0x51, 0xc1, -1, 7}
	srcs := []uint8{0, 1, 2, 3}
	disagree := 0
	for code := 0; code < 256; code++ {
		for _, src := range srcs {
			for _, off := range offsets {
				for _, imm := range imms {
					ins := ebpf.Instruction{Opcode: uint8(code), Dst: 1, Src: src, Offset: off, Imm: imm}
					if uint8(code) == ebpf.OpLDDW && src > 1 {
						continue // pseudo sources: resolved before validation
					}
					if code == 0x8d {
						continue // callx: LLVM spells it, RFC 9669 does not define it (docs/ebpf.md)
					}
					formOK := checkEncoding(ins) == nil
					validOK := ebpf.CheckInstruction(ins) == nil
					if formOK != validOK {
						disagree++
						if disagree <= 20 {
							t.Errorf("%#02x src=%d off=%d imm=%#x: form table says %v (%v), validator says %v (%v)",
								code, src, off, imm, formOK, checkEncoding(ins), validOK, ebpf.CheckInstruction(ins))
						}
					}
				}
			}
		}
	}
	if disagree > 20 {
		t.Errorf("... and %d more disagreements", disagree-20)
	}
}
