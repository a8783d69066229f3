package interp

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// TestFrameOps: exactly the r10 accesses inside the frame get the fast
// ops; the others keep the checked path and its faults.
func TestFrameOps(t *testing.T) {
	for _, c := range []struct {
		ins  ebpf.Instruction
		fast bool
	}{
		{ldx(ebpf.SizeDW, 0, 10, -8), true},
		{ldx(ebpf.SizeB, 0, 10, -1), true},
		{ldx(ebpf.SizeW, 0, 10, -512), true},
		{st(ebpf.SizeH, 10, -2, 7), true},
		{stx(ebpf.SizeDW, 10, 1, -512), true},
		{ldx(ebpf.SizeDW, 0, 10, -4), false},  // past the frame top
		{ldx(ebpf.SizeB, 0, 10, -513), false}, // the caller's frame or below the stack
		{stx(ebpf.SizeW, 10, 1, 0), false},
		{ldx(ebpf.SizeDW, 0, 1, -8), false},   // not through r10
		{ldxsx(ebpf.SizeW, 0, 10, -8), false}, // sign-extending loads keep the general op
	} {
		p, err := Compile(prog(c.ins, exit()), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.code[0].op >= opLdxFrameB; got != c.fast {
			t.Errorf("%+v: fast op %v, want %v", c.ins, got, c.fast)
		}
	}
}

// TestFrameOpsAgree: what the fast ops store the checked path (through a
// copy of r10) loads, and the other way round, in the main frame and in a
// callee's, at every size and at both ends of the frame.
func TestFrameOpsAgree(t *testing.T) {
	body := prog(
		movx(1, 10), lddw(2, 0x1122334455667788),
		stx(ebpf.SizeDW, 10, 2, -8), ldx(ebpf.SizeDW, 3, 1, -8), // fast store, checked load
		stx(ebpf.SizeW, 1, 2, -512), ldx(ebpf.SizeW, 4, 10, -512), // checked store, fast load
		st(ebpf.SizeH, 10, -10, -2), ldx(ebpf.SizeH, 5, 1, -10),
		stx(ebpf.SizeB, 1, 2, -11), ldx(ebpf.SizeB, 6, 10, -11),
		a64x(ebpf.ALUXor, 3, 4), a64x(ebpf.ALUXor, 3, 5), a64x(ebpf.ALUXor, 3, 6),
		movx(0, 3), exit())
	want := uint64(0x1122334455667788 ^ 0x55667788 ^ 0xfffe ^ 0x88)
	main := append(prog(callLocal(1), exit()), body...)
	for name, insns := range map[string][]ebpf.Instruction{"main frame": body, "callee frame": main} {
		p, err := Compile(insns, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r0, err := p.Run(nil); err != nil || r0 != want {
			t.Errorf("%s: r0 = %#x, %v; want %#x", name, r0, err, want)
		}
	}
}
