package verifier

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/loader"
)

// TestFragment: a fragment starts from the given frame, may end without
// exit, and an assume keeps only the states where its condition holds.
func TestFragment(t *testing.T) {
	insns, err := asm.AssembleLLVM(`
		if r1 < 8 goto +0
		r2 = r10
		r2 += -8
		r2 += r1
		*(u8 *)(r2 + 0) = 0`)
	if err != nil {
		t.Fatal(err)
	}
	entry := func() *frame {
		f := newFrame(0, -1, 0)
		f.regs[1] = unknownReg()
		return f
	}
	run := func(assume []bool) error {
		_, err := Verify(insns, Options{ProgType: loader.XDP, fragment: &fragment{entry: entry(), assume: assume}})
		return err
	}
	if err := run([]bool{true}); err != nil {
		t.Errorf("assume r1 < 8: %v", err)
	}
	if err := run(nil); err == nil {
		t.Error("a plain jump: the fall-through edge (r1 >= 8) writes outside the stack, but it was accepted")
	}
	dead, err := asm.AssembleLLVM(`
		if r1 < 0 goto +0
		r0 = *(u64 *)(r1 + 0)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(dead, Options{ProgType: loader.XDP, fragment: &fragment{entry: entry(), assume: []bool{true}}}); err != nil {
		t.Errorf("assume of a condition that cannot hold: %v", err)
	}
}
