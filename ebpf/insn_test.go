package ebpf

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	prog := []Instruction{
		{Opcode: OpLDDW, Dst: R1, Imm: -0x65432110, Imm64: 0x123456789abcdef0},
		{Opcode: uint8(ClassALU64) | uint8(ALUAdd) | uint8(SourceX), Dst: R0, Src: R1},
		{Opcode: uint8(ClassJMP) | uint8(JumpEq) | uint8(SourceK), Dst: R0, Offset: -3, Imm: -7},
		{Opcode: uint8(ClassJMP) | uint8(JumpExit)},
	}
	code := Encode(nil, prog)
	want := []byte{
		0x18, 0x01, 0, 0, 0xf0, 0xde, 0xbc, 0x9a,
		0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12,
		0x0f, 0x10, 0, 0, 0, 0, 0, 0,
		0x15, 0x00, 0xfd, 0xff, 0xf9, 0xff, 0xff, 0xff,
		0x95, 0, 0, 0, 0, 0, 0, 0,
	}
	if !bytes.Equal(code, want) {
		t.Fatalf("Encode = % x\nwant     % x", code, want)
	}
	got, err := Decode(code)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(prog) {
		t.Fatalf("decoded %d instructions, want %d", len(got), len(prog))
	}
	for i := range prog {
		if got[i] != prog[i] {
			t.Errorf("instruction %d: %+v, want %+v", i, got[i], prog[i])
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	var de *DecodeError
	for name, code := range map[string][]byte{
		"truncated":     {0x95, 0, 0},
		"lonely lddw":   {0x18, 0x01, 0, 0, 1, 0, 0, 0},
		"bad lddw pair": {0x18, 0x01, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0},
	} {
		if _, err := Decode(code); !errors.As(err, &de) {
			t.Errorf("%s: Decode = %v, want a DecodeError", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(nil, []Instruction{{Opcode: OpLDDW, Imm64: -1, Imm: -1}, {Opcode: 0x95}}))
	f.Add([]byte{0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, code []byte) {
		insns, err := Decode(code)
		if err != nil {
			return
		}
		if again := Encode(nil, insns); !bytes.Equal(again, code) {
			t.Fatalf("Encode(Decode(x)) != x:\n% x\n% x", again, code)
		}
	})
}
