package verifier

import (
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// holds is the concrete condition of a conditional jump at a width.
func holds(op ebpf.JumpOp, x, y uint64, width int) bool {
	if width == 32 {
		x, y = uint64(uint32(x)), uint64(uint32(y))
	}
	sx, sy := int64(x), int64(y)
	if width == 32 {
		sx, sy = int64(int32(x)), int64(int32(y))
	}
	switch op {
	case ebpf.JumpEq:
		return x == y
	case ebpf.JumpNE:
		return x != y
	case ebpf.JumpGT:
		return x > y
	case ebpf.JumpGE:
		return x >= y
	case ebpf.JumpLT:
		return x < y
	case ebpf.JumpLE:
		return x <= y
	case ebpf.JumpSGT:
		return sx > sy
	case ebpf.JumpSGE:
		return sx >= sy
	case ebpf.JumpSLT:
		return sx < sy
	case ebpf.JumpSLE:
		return sx <= sy
	case ebpf.JumpSet:
		return x&y != 0
	}
	panic("not a condition")
}

var conditions = []ebpf.JumpOp{ebpf.JumpEq, ebpf.JumpNE, ebpf.JumpGT, ebpf.JumpGE, ebpf.JumpLT, ebpf.JumpLE,
	ebpf.JumpSGT, ebpf.JumpSGE, ebpf.JumpSLT, ebpf.JumpSLE, ebpf.JumpSet}

// TestRefineSound: on each edge, every pair of values that takes that edge
// is still inside the refined operands, and BranchTaken never claims an
// outcome some pair contradicts.
func TestRefineSound(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 20000 {
		xs, ys := randomSet(r), randomSet(r)
		if r.IntN(2) == 0 {
			ys = ys[:1] // comparisons with a constant are the common case
		}
		a, b := abstract(xs), abstract(ys)
		for _, op := range conditions {
			for _, width := range []int{64, 32} {
				taken, known := BranchTaken(op, a, b, width)
				for _, edge := range []bool{true, false} {
					ra, rb := Refine(op, a, b, width, edge)
					for _, x := range xs {
						for _, y := range ys {
							if holds(op, x, y, width) != edge {
								continue
							}
							if !ra.Contains(x) || !rb.Contains(y) {
								t.Fatalf("width %d op %#x edge %v: (%#x, %#x) lost: %+v %+v from %+v %+v", width, op, edge, x, y, ra, rb, a, b)
							}
							if known && taken != edge {
								t.Fatalf("width %d op %#x: BranchTaken says %v, but (%#x, %#x) goes %v", width, op, taken, x, y, edge)
							}
						}
					}
				}
			}
		}
	}
}

// TestRefinePrecise pins the narrowing a verifier needs for bounds checks:
// "if x > 15 goto out" leaves x in [0, 15] on the fall-through, and a
// constant comparison decides the branch.
func TestRefinePrecise(t *testing.T) {
	x := UnknownScalar()
	_, _ = Refine(ebpf.JumpGT, x, ConstScalar(15), 64, true)
	fa, _ := Refine(ebpf.JumpGT, x, ConstScalar(15), 64, false)
	if fa.U != (urange{0, 15}) || fa.Var != (Tnum{0, 15}) {
		t.Errorf("x <= 15: %+v", fa)
	}
	sa, _ := Refine(ebpf.JumpSLT, x, ConstScalar(0), 64, false)
	if sa.S.min != 0 || sa.U.max != 1<<63-1 {
		t.Errorf("x >= 0 signed: %+v", sa)
	}
	if taken, known := BranchTaken(ebpf.JumpGT, ConstScalar(3), ConstScalar(2), 64); !known || !taken {
		t.Errorf("3 > 2: %v %v", taken, known)
	}
	if _, known := BranchTaken(ebpf.JumpGT, x, ConstScalar(2), 64); known {
		t.Error("x > 2 decided for unknown x")
	}
	ea, _ := Refine(ebpf.JumpEq, x, ConstScalar(7), 32, true)
	if ea.U32 != (urange{7, 7}) || ea.Var.Subreg() != Const(7) {
		t.Errorf("w == 7: %+v", ea)
	}
}
