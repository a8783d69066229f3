package ebpf

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// definedOpcodes is RFC 9669 Appendix A, the opcode registry, written out
// by hand so that the test does not share a table with the code.
var definedOpcodes = []uint8{
	// ALU: add sub mul div or and lsh rsh (K, X), neg, mod, xor, mov, arsh (K, X), le, be
	0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c,
	0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
	// ALU64, with bswap (0xd7) in place of le/be
	0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f,
	0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
	// JMP: ja, 13 conditions (K, X), call, exit
	0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d,
	0x85, 0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd,
	// JMP32: gotol, conditions
	0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e,
	0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde,
	// LD: lddw, abs w h b, ind w h b
	0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
	// LDX mem w h b dw, memsx w h b; ST mem; STX mem; STX atomic w dw
	0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91,
	0x62, 0x6a, 0x72, 0x7a,
	0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb,
}

// acceptsSomeFields reports whether some simple choice of fields makes op
// valid as the first instruction of "op; exit".
func acceptsSomeFields(op uint8) bool {
	for _, dst := range []uint8{0, 1} {
		for _, src := range []uint8{0, 1} {
			for _, off := range []int16{0, 1, 8} {
				for _, imm := range []int32{0, 1, 16} {
					ins := Instruction{Opcode: op, Dst: dst, Src: src, Offset: off, Imm: imm, Imm64: int64(imm)}
					if Validate([]Instruction{ins, exit()}) == nil {
						return true
					}
				}
			}
		}
	}
	return false
}

func TestValidateKnowsEveryOpcode(t *testing.T) {
	for op := 0; op < 256; op++ {
		want := slices.Contains(definedOpcodes, uint8(op))
		if got := acceptsSomeFields(uint8(op)); got != want {
			t.Errorf("opcode %#02x (%s): accepted %v, want %v", op, OpcodeName(uint8(op)), got, want)
		}
	}
}

func exit() Instruction { return Instruction{Opcode: 0x95} }

func mov64(dst uint8, imm int32) Instruction {
	return Instruction{Opcode: 0xb7, Dst: dst, Imm: imm}
}

func lddw(dst uint8, v int64) Instruction {
	return Instruction{Opcode: OpLDDW, Dst: dst, Imm: int32(v), Imm64: v}
}

func ja(off int16) Instruction { return Instruction{Opcode: 0x05, Offset: off} }

func callLocal(imm int32) Instruction { return Instruction{Opcode: 0x85, Src: 1, Imm: imm} }

func TestValidateAcceptsVersion4(t *testing.T) {
	for name, ins := range map[string]Instruction{
		"sdiv64 k":      {Opcode: 0x37, Dst: 1, Offset: 1, Imm: -3},
		"smod32 x":      {Opcode: 0x9c, Dst: 1, Src: 2, Offset: 1},
		"movsx64 32":    {Opcode: 0xbf, Dst: 1, Src: 2, Offset: 32},
		"movsx32 16":    {Opcode: 0xbc, Dst: 1, Src: 2, Offset: 16},
		"ldxsb":         {Opcode: 0x91, Dst: 1, Src: 10, Offset: -1},
		"bswap64":       {Opcode: 0xd7, Dst: 1, Imm: 64},
		"gotol +0":      {Opcode: 0x06},
		"jslt32 x":      {Opcode: 0xce, Dst: 1, Src: 10},
		"lock cmpxchg":  {Opcode: 0xdb, Dst: 10, Src: 1, Offset: -8, Imm: int32(AtomicCmpXchg)},
		"lock fetch or": {Opcode: 0xc3, Dst: 10, Src: 1, Offset: -4, Imm: int32(AtomicOr | AtomicFetch)},
		"ldabsh":        {Opcode: 0x28, Imm: 12},
		"ldindb":        {Opcode: 0x50, Src: 3, Imm: 1},
		"lsh64 by 99":   {Opcode: 0x67, Dst: 1, Imm: 99},
		"div32 by 0":    {Opcode: 0x34, Dst: 1},
	} {
		if err := Validate([]Instruction{ins, exit()}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		prog  []Instruction
		index int
		why   string
	}{
		{"empty", nil, -1, "empty program"},
		{"write r10", []Instruction{mov64(10, 0), exit()}, 0, "read-only frame pointer"},
		{"r11", []Instruction{{Opcode: 0xbf, Dst: 1, Src: 11}, exit()}, 0, "r11 does not exist"},
		{"ldx into r10", []Instruction{{Opcode: 0x79, Dst: 10, Src: 1}, exit()}, 0, "read-only"},
		{"fetch into r10", []Instruction{{Opcode: 0xdb, Dst: 1, Src: 10, Imm: int32(AtomicXchg)}, exit()}, 0, "read-only"},
		{"lddw map fd", []Instruction{{Opcode: OpLDDW, Dst: 1, Src: 1}, exit()}, 0, "ELF loader"},
		{"lddw halves", []Instruction{{Opcode: OpLDDW, Dst: 1, Imm: 1, Imm64: 2}, exit()}, 0, "low half"},
		{"kfunc", []Instruction{{Opcode: 0x85, Src: 2, Imm: 7}, exit()}, 0, "BTF"},
		{"callx", []Instruction{{Opcode: 0x8d, Dst: 2}, exit()}, 0, "immediate form"},
		{"exit imm", []Instruction{{Opcode: 0x95, Imm: 1}}, 0, "imm is unused"},
		{"add k src", []Instruction{{Opcode: 0x07, Src: 1}, exit()}, 0, "src is unused"},
		{"add x imm", []Instruction{{Opcode: 0x0f, Src: 1, Imm: 1}, exit()}, 0, "imm is unused"},
		{"add offset", []Instruction{{Opcode: 0x07, Offset: 1}, exit()}, 0, "offset is unused"},
		{"div offset 2", []Instruction{{Opcode: 0x3f, Offset: 2}, exit()}, 0, "0 (unsigned) or 1"},
		{"movsx32 32", []Instruction{{Opcode: 0xbc, Src: 1, Offset: 32}, exit()}, 0, "8, 16 (movsx)"},
		{"movsx k", []Instruction{{Opcode: 0xb7, Offset: 8}, exit()}, 0, "offset is unused"},
		{"neg x", []Instruction{{Opcode: 0x8f}, exit()}, 0, "immediate form"},
		{"bswap x", []Instruction{{Opcode: 0xdf, Imm: 16}, exit()}, 0, "reserved in alu64"},
		{"end 8", []Instruction{{Opcode: 0xd4, Imm: 8}, exit()}, 0, "16, 32 or 64"},
		{"ja imm", []Instruction{{Opcode: 0x05, Imm: 1}, exit()}, 0, "imm is unused"},
		{"gotol offset", []Instruction{{Opcode: 0x06, Offset: 1}, exit()}, 0, "offset is unused"},
		{"exit in jmp32", []Instruction{{Opcode: 0x96}, exit()}, 0, "only in class jmp"},
		{"memsx dw", []Instruction{{Opcode: 0x99, Dst: 1, Src: 10}, exit()}, 0, "sizes w, h and b"},
		{"atomic b", []Instruction{{Opcode: 0xd3, Dst: 10, Src: 1}, exit()}, 0, "sizes w and dw"},
		{"atomic sub", []Instruction{{Opcode: 0xdb, Dst: 10, Src: 1, Imm: 0x10}, exit()}, 0, "not an atomic operation"},
		{"xchg no fetch", []Instruction{{Opcode: 0xdb, Dst: 10, Src: 1, Imm: 0xe0}, exit()}, 0, "always fetch"},
		{"ldabs dw", []Instruction{{Opcode: 0x38}, exit()}, 0, "sizes w, h and b"},
		{"ldabs src", []Instruction{{Opcode: 0x20, Src: 1}, exit()}, 0, "src is unused"},
		{"ldind dst", []Instruction{{Opcode: 0x40, Dst: 1, Src: 1}, exit()}, 0, "dst is unused"},
		{"st src", []Instruction{{Opcode: 0x62, Dst: 10, Src: 1}, exit()}, 0, "src is unused"},
		{"jump out", []Instruction{ja(1), exit()}, 0, "outside the program"},
		{"jump back out", []Instruction{ja(-2), exit()}, 0, "outside the program"},
		{"jump into lddw", []Instruction{ja(1), lddw(0, 1), exit()}, 0, "second slot of the lddw"},
		{"jump to self", []Instruction{ja(-1), exit()}, 0, "infinite loop"},
		{"falls off", []Instruction{mov64(0, 0)}, 0, "run off its end"},
		{"call falls into callee", []Instruction{callLocal(0), exit()}, 0, "run off its end"},
		{"jump between functions", []Instruction{callLocal(1), exit(), ja(-2), exit()}, 2, "into the function at instruction 0"},
		{"unknown opcode", []Instruction{{Opcode: 0x06 | 0xe0}, exit()}, 0, "undefined jump operation"},
	} {
		err := Validate(tc.prog)
		var ie *InvalidError
		if !errors.As(err, &ie) {
			t.Errorf("%s: Validate = %v, want an *InvalidError", tc.name, err)
			continue
		}
		if ie.Index != tc.index || !strings.Contains(ie.Reason, tc.why) {
			t.Errorf("%s: %v; want instruction %d and a reason with %q", tc.name, err, tc.index, tc.why)
		}
	}
}

func TestInvalidErrorNamesSlot(t *testing.T) {
	err := Validate([]Instruction{lddw(1, 5), {Opcode: 0xbf, Dst: 10, Src: 1}, exit()})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Index != 1 || ie.Slot != 2 {
		t.Fatalf("Validate = %#v, want instruction 1 at slot 2", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "instruction 1 (slot 2)") || !strings.Contains(msg, "alu64 mov x (0xbf)") {
		t.Errorf("message %q does not name the instruction", msg)
	}
}

func TestProgramSlots(t *testing.T) {
	p := NewProgram([]Instruction{mov64(0, 0), lddw(1, 7), ja(-4), exit()})
	if p.NumSlots() != 5 || p.Slot(2) != 3 || p.Slot(3) != 4 {
		t.Fatalf("slots: total %d, insn 2 at %d, insn 3 at %d", p.NumSlots(), p.Slot(2), p.Slot(3))
	}
	if i, ok := p.Index(2); ok {
		t.Errorf("Index(2) = %d, true; slot 2 is the second half of lddw", i)
	}
	if i, ok := p.Index(4); !ok || i != 3 {
		t.Errorf("Index(4) = %d, %v; want 3", i, ok)
	}
	if target, err := p.Target(2); err != nil || target != 0 {
		t.Errorf("Target(2) = %d, %v; want 0", target, err)
	}
}

// FuzzValidate: Validate never panics, and a valid program stays valid
// through an Encode/Decode round trip, with every branch target in range.
func FuzzValidate(f *testing.F) {
	f.Add(Encode(nil, []Instruction{callLocal(1), exit(), mov64(0, 1), exit()}))
	f.Add(Encode(nil, []Instruction{lddw(1, -1), {Opcode: 0x15, Dst: 1, Offset: -3}, exit()}))
	f.Fuzz(func(t *testing.T, code []byte) {
		insns, err := Decode(code)
		if err != nil || Validate(insns) != nil {
			return
		}
		again, err := Decode(Encode(nil, insns))
		if err != nil || Validate(again) != nil {
			t.Fatalf("valid program invalid after a round trip: %v", err)
		}
		p := NewProgram(insns)
		for i, ins := range insns {
			if _, ok := ins.BranchOffset(); ok {
				if target, err := p.Target(i); err != nil || target < 0 || target >= len(insns) {
					t.Fatalf("instruction %d: target %d, %v", i, target, err)
				}
			}
		}
	})
}
