package loader

import (
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// TestWithFDsAndResolve checks both ways of naming maps: the kernel's
// pseudo forms with fds, and plain constants; the object's own program
// is left untouched.
func TestWithFDsAndResolve(t *testing.T) {
	obj := mustLoad(t, "xdp_counter.o")
	p := obj.Program("xdp_count")
	if p == nil || obj.Program("nope") != nil || obj.MapIndex("src_count") != 1 || obj.MapIndex("nope") != -1 {
		t.Fatal("Program / MapIndex lookups")
	}
	before := append([]ebpf.Instruction(nil), p.Insns...)
	fds, err := p.WithFDs([]int{10, 11, 12})
	if err != nil {
		t.Fatal(err)
	}
	consts, err := p.Resolve(func(r Reloc) (uint64, error) { return 0x1000*uint64(r.Map+1) + uint64(r.Offset), nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		insn  int
		fd    ebpf.Instruction
		value int64
	}{
		{15, ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: 1, Src: ebpf.PseudoMapFD, Imm: 10, Imm64: 10}, 0x1000},
		{30, ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: 1, Src: ebpf.PseudoMapFD, Imm: 11, Imm64: 11}, 0x2000},
		{48, ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: 1, Src: ebpf.PseudoMapValue, Imm: 12, Imm64: 12}, 0x3000},
	} {
		if got := fds[c.insn]; got != c.fd {
			t.Errorf("WithFDs insn %d: %+v, want %+v", c.insn, got, c.fd)
		}
		if got := consts[c.insn]; got.Src != 0 || got.Imm64 != c.value || got.Imm != int32(c.value) {
			t.Errorf("Resolve insn %d: %+v, want the constant %#x", c.insn, got, c.value)
		}
	}
	for i := range before {
		if p.Insns[i] != before[i] {
			t.Fatalf("instruction %d of the program changed", i)
		}
	}
	if _, err := p.WithFDs([]int{10}); err == nil || !strings.Contains(err.Error(), "map 1 has no fd (1 given)") {
		t.Errorf("too few fds: %v", err)
	}
	boom := errors.New("boom")
	if _, err := p.Resolve(func(Reloc) (uint64, error) { return 0, boom }); !errors.Is(err, boom) || !strings.Contains(err.Error(), "proto_count") {
		t.Errorf("Resolve error: %v", err)
	}
}
