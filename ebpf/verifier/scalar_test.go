package verifier

import (
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// interesting are values near the boundaries where bounds go wrong.
var interesting = []uint64{
	0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff,
	0x1_0000_0000, 0x1_0000_0001, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, ^uint64(0), ^uint64(0) - 1,
}

// randomSet is a few values around a random centre or boundary.
func randomSet(r *rand.Rand) []uint64 {
	base := interesting[r.IntN(len(interesting))]
	if r.IntN(4) == 0 {
		base = r.Uint64()
	}
	n := 1 + r.IntN(5)
	set := make([]uint64, n)
	for i := range set {
		switch r.IntN(3) {
		case 0:
			set[i] = base + uint64(r.IntN(9)) - 4
		case 1:
			set[i] = base ^ (1 << r.IntN(64))
		default:
			set[i] = interesting[r.IntN(len(interesting))]
		}
	}
	return set
}

// abstract is the most precise Scalar holding exactly the set's bounds.
func abstract(set []uint64) Scalar {
	s := ConstScalar(set[0])
	for _, x := range set[1:] {
		c := ConstScalar(x)
		s.Var = s.Var.Union(c.Var)
		s.U = urange{min(s.U.min, c.U.min), max(s.U.max, c.U.max)}
		s.S = srange{min(s.S.min, c.S.min), max(s.S.max, c.S.max)}
		s.U32 = urange{min(s.U32.min, c.U32.min), max(s.U32.max, c.U32.max)}
		s.S32 = srange{min(s.S32.min, c.S32.min), max(s.S32.max, c.S32.max)}
	}
	return s
}

// concrete is the instruction's semantics (RFC 9669 §4.1).
func concrete(op ebpf.ALUOp, x, y uint64, width int) (uint64, bool) {
	if width == 32 {
		x, y = uint64(uint32(x)), uint64(uint32(y))
	}
	var z uint64
	sh := y & uint64(width-1)
	switch op {
	case ebpf.ALUAdd:
		z = x + y
	case ebpf.ALUSub:
		z = x - y
	case ebpf.ALUMul:
		z = x * y
	case ebpf.ALUAnd:
		z = x & y
	case ebpf.ALUOr:
		z = x | y
	case ebpf.ALUXor:
		z = x ^ y
	case ebpf.ALULsh:
		z = x << sh
	case ebpf.ALURsh:
		z = x >> sh
	case ebpf.ALUArsh:
		if width == 32 {
			z = uint64(uint32(int32(uint32(x)) >> sh))
		} else {
			z = uint64(int64(x) >> sh)
		}
	case ebpf.ALUMov:
		z = y
	case ebpf.ALUNeg:
		z = -x
	case ebpf.ALUDiv, ebpf.ALUMod:
		if y == 0 {
			return 0, false // the verifier's business (division by zero), not the domain's
		}
		if op == ebpf.ALUDiv {
			z = x / y
		} else {
			z = x % y
		}
	default:
		return 0, false
	}
	if width == 32 {
		z = uint64(uint32(z))
	}
	return z, true
}

var aluOps = []ebpf.ALUOp{ebpf.ALUAdd, ebpf.ALUSub, ebpf.ALUMul, ebpf.ALUDiv, ebpf.ALUOr, ebpf.ALUAnd,
	ebpf.ALULsh, ebpf.ALURsh, ebpf.ALUNeg, ebpf.ALUMod, ebpf.ALUXor, ebpf.ALUMov, ebpf.ALUArsh}

// TestScalarALUSound: for random small sets X and Y, the abstract x op y
// (ALU64 and ALU32) contains every concrete x op y. This is the property a
// verifier's soundness rests on.
func TestScalarALUSound(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		xs, ys := randomSet(r), randomSet(r)
		if r.IntN(3) == 0 {
			ys = []uint64{uint64(r.IntN(70))} // shift amounts and small constants
		}
		a, b := abstract(xs), abstract(ys)
		for _, op := range aluOps {
			for _, width := range []int{64, 32} {
				got := ALU(op, 0, a, b, width)
				for _, x := range xs {
					for _, y := range ys {
						z, ok := concrete(op, x, y, width)
						if ok && !got.Contains(z) {
							t.Fatalf("ALU%d op %#x: %v op %v = %+v misses %#x = f(%#x, %#x)", width, op, a, b, got, z, x, y)
						}
					}
				}
			}
		}
	}
}

// TestSyncSound: loosening a precise abstraction (forgetting one of its
// descriptions) and syncing keeps every member, and syncing recovers what
// the other descriptions imply.
func TestSyncSound(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 20000 {
		set := randomSet(r)
		s := abstract(set)
		switch r.IntN(5) {
		case 0:
			s.Var = Unknown
		case 1:
			s.U = fullU
		case 2:
			s.S = fullS
		case 3:
			s.U32 = fullU32
		default:
			s.S32 = fullS32
		}
		s.Sync()
		for _, x := range set {
			if !s.Contains(x) {
				t.Fatalf("Sync of %#x lost %#x: %+v", set, x, s)
			}
		}
	}
	// A constant's descriptions are all recovered from the tnum alone.
	s := Scalar{Var: Const(0xffff_ffff_8000_0000), U: fullU, S: fullS, U32: fullU32, S32: fullS32}
	s.Sync()
	if s != ConstScalar(0xffff_ffff_8000_0000) {
		t.Errorf("Sync of a constant tnum: %+v", s)
	}
	// [0, 255] in the unsigned bounds gives the tnum its upper 56 zero bits.
	s = UnknownScalar()
	s.U = urange{0, 255}
	s.Sync()
	if s.Var != (Tnum{0, 0xff}) || s.S != (srange{0, 255}) || s.U32 != (urange{0, 255}) {
		t.Errorf("Sync of [0, 255]: %+v", s)
	}
}

// TestScalarALUPrecise pins results a verifier relies on to accept common
// code: masking bounds a value, adding constants keeps ranges, ALU32
// zero-extends.
func TestScalarALUPrecise(t *testing.T) {
	u := UnknownScalar()
	and := ALU(ebpf.ALUAnd, 0, u, ConstScalar(0xff), 64)
	if and.U != (urange{0, 0xff}) || and.S != (srange{0, 0xff}) {
		t.Errorf("x & 0xff: %+v", and)
	}
	plus := ALU(ebpf.ALUAdd, 0, and, ConstScalar(14), 64)
	if plus.U != (urange{14, 0xff + 14}) {
		t.Errorf("(x & 0xff) + 14: %+v", plus)
	}
	w := ALU(ebpf.ALUMov, 0, u, u, 32)
	if w.U != (urange{0, 0xffff_ffff}) || w.Var != (Tnum{0, 0xffff_ffff}) {
		t.Errorf("w = unknown: %+v", w)
	}
	sh := ALU(ebpf.ALURsh, 0, u, ConstScalar(60), 64)
	if sh.U != (urange{0, 15}) {
		t.Errorf("x >> 60: %+v", sh)
	}
	if c, ok := ALU(ebpf.ALUMul, 0, ConstScalar(6), ConstScalar(7), 64).IsConst(); !ok || c != 42 {
		t.Errorf("6 * 7 = %d, %v", c, ok)
	}
}
