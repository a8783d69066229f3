package ebpf

import "testing"

func TestStackWrites(t *testing.T) {
	st := func(op uint8, dst uint8, off int16) Instruction {
		return Instruction{Opcode: op, Dst: dst, Offset: off}
	}
	const stdw, stxw, stxb, atomicDW = 0x7a, 0x63, 0x73, 0xdb
	exit := Instruction{Opcode: 0x95}
	for _, c := range []struct {
		name    string
		insns   []Instruction
		n       int
		bounded bool
	}{
		{"no stores", []Instruction{{Opcode: 0xb7}, exit}, 0, true},
		{"r10 stores", []Instruction{st(stdw, R10, -8), st(stxw, R10, -24), st(stxb, R10, -1), exit}, 24, true},
		{"frame bottom", []Instruction{st(stxb, R10, -512), exit}, 512, true},
		{"atomic on the frame", []Instruction{st(atomicDW, R10, -16), exit}, 16, true},
		{"below the frame", []Instruction{st(stxb, R10, -513), exit}, 0, false},
		{"above the frame", []Instruction{st(stdw, R10, -4), exit}, 0, false},
		{"through r1", []Instruction{st(stdw, R1, 0), exit}, 0, false},
		{"helper call", []Instruction{{Opcode: 0x85, Imm: 1}, exit}, 0, false},
		{"local call", []Instruction{{Opcode: 0x85, Src: 1, Imm: 1}, exit, exit}, 0, false},
		{"loads only", []Instruction{{Opcode: 0x79, Dst: 0, Src: R1}, {Opcode: 0x79, Dst: 0, Src: R10, Offset: -8}, exit}, 0, true},
	} {
		if n, ok := StackWrites(c.insns); n != c.n || ok != c.bounded {
			t.Errorf("%s: StackWrites = %d, %v; want %d, %v", c.name, n, ok, c.n, c.bounded)
		}
	}
}
