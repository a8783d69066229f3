package verifier

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// randomTnum has up to maxUnknown unknown bits at random positions, biased
// towards the ends where carries and signs live.
func randomTnum(r *rand.Rand, maxUnknown int) Tnum {
	pos := func() uint {
		switch r.IntN(3) {
		case 0:
			return uint(r.IntN(8))
		case 1:
			return uint(56 + r.IntN(8))
		}
		return uint(r.IntN(64))
	}
	var mask uint64
	for range r.IntN(maxUnknown + 1) {
		mask |= 1 << pos()
	}
	v := r.Uint64()
	if r.IntN(2) == 0 {
		v = uint64(r.IntN(16)) | uint64(r.IntN(2))<<63 // small or just-negative
	}
	return Tnum{Value: v &^ mask, Mask: mask}
}

// members enumerates every value of a (a has few unknown bits).
func members(a Tnum) []uint64 {
	var unknown []uint
	for m := a.Mask; m != 0; m &= m - 1 {
		unknown = append(unknown, uint(bits.TrailingZeros64(m)))
	}
	out := make([]uint64, 0, 1<<len(unknown))
	for sub := 0; sub < 1<<len(unknown); sub++ {
		x := a.Value
		for i, p := range unknown {
			if sub>>i&1 != 0 {
				x |= 1 << p
			}
		}
		out = append(out, x)
	}
	return out
}

type binop struct {
	name    string
	abs     func(a, b Tnum) Tnum
	con     func(x, y uint64) uint64
	optimal bool // the abstract result is the smallest tnum holding every concrete one
}

var binops = []binop{
	{"and", Tnum.And, func(x, y uint64) uint64 { return x & y }, true},
	{"or", Tnum.Or, func(x, y uint64) uint64 { return x | y }, true},
	{"xor", Tnum.Xor, func(x, y uint64) uint64 { return x ^ y }, true},
	{"add", Tnum.Add, func(x, y uint64) uint64 { return x + y }, true},
	{"sub", Tnum.Sub, func(x, y uint64) uint64 { return x - y }, true},
	{"mul", Tnum.Mul, func(x, y uint64) uint64 { return x * y }, false},
}

// TestTnumBinarySound: for random small tnums a and b, every x op y with x
// in a and y in b is in op(a, b); where the operation is optimal, the
// result is exactly the join of the concrete results.
func TestTnumBinarySound(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, op := range binops {
		for range 3000 {
			a, b := randomTnum(r, 4), randomTnum(r, 4)
			got := op.abs(a, b)
			var join Tnum
			first := true
			for _, x := range members(a) {
				for _, y := range members(b) {
					z := op.con(x, y)
					if !got.Contains(z) {
						t.Fatalf("%s(%v, %v) = %v misses %#x = %#x %s %#x", op.name, a, b, got, z, x, op.name, y)
					}
					if first {
						join, first = Const(z), false
					} else {
						join = join.Union(Const(z))
					}
				}
			}
			if op.optimal && got != join {
				t.Fatalf("%s(%v, %v) = %v, the smallest tnum holding every result is %v", op.name, a, b, got, join)
			}
		}
	}
}

// TestTnumShiftsSound checks Lsh, Rsh and Arsh (64 and 32 bits) exactly:
// a shift moves known and unknown bits, so the result is optimal.
func TestTnumShiftsSound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		a := randomTnum(r, 5)
		s := uint8(r.IntN(64))
		check := func(name string, got Tnum, con func(uint64) uint64) {
			t.Helper()
			var join Tnum
			for i, x := range members(a) {
				z := con(x)
				if !got.Contains(z) {
					t.Fatalf("%s(%v, %d) = %v misses %#x", name, a, s, got, z)
				}
				if i == 0 {
					join = Const(z)
				} else {
					join = join.Union(Const(z))
				}
			}
			if got != join {
				t.Fatalf("%s(%v, %d) = %v, optimal is %v", name, a, s, got, join)
			}
		}
		check("lsh", a.Lsh(s), func(x uint64) uint64 { return x << s })
		check("rsh", a.Rsh(s), func(x uint64) uint64 { return x >> s })
		check("arsh", a.Arsh(s, 64), func(x uint64) uint64 { return uint64(int64(x) >> s) })
		a32 := a.Subreg()
		a = a32
		check("arsh32", a32.Arsh(s, 32), func(x uint64) uint64 { return uint64(uint32(int32(uint32(x)) >> (s & 31))) })
	}
}

// TestTnumRange: Range(min, max) holds every number between (checked at
// the ends and at random points) and is the tnum the kernel computes for
// known cases.
func TestTnumRange(t *testing.T) {
	cases := []struct {
		min, max uint64
		want     Tnum
	}{
		{5, 5, Const(5)},
		{0, 7, Tnum{0, 7}},
		{8, 15, Tnum{8, 7}},
		{4, 9, Tnum{0, 15}},
		{0, ^uint64(0), Unknown},
		{1 << 63, ^uint64(0), Tnum{1 << 63, 1<<63 - 1}},
	}
	for _, c := range cases {
		if got := Range(c.min, c.max); got != c.want {
			t.Errorf("Range(%#x, %#x) = %v, want %v", c.min, c.max, got, c.want)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		lo, hi := r.Uint64()>>r.IntN(64), r.Uint64()>>r.IntN(64)
		if lo > hi {
			lo, hi = hi, lo
		}
		tn := Range(lo, hi)
		for _, x := range []uint64{lo, hi, lo + (hi-lo)/2, lo + r.Uint64N(hi-lo+1)} {
			if !tn.Contains(x) {
				t.Fatalf("Range(%#x, %#x) = %v misses %#x", lo, hi, tn, x)
			}
		}
	}
}

// TestTnumLattice: In, Intersect and Union behave as the order, meet and
// join of the lattice on random tnums.
func TestTnumLattice(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		a, b := randomTnum(r, 6), randomTnum(r, 6)
		u := a.Union(b)
		if !u.In(a) || !u.In(b) {
			t.Fatalf("Union(%v, %v) = %v does not hold both", a, b, u)
		}
		for _, x := range members(a) {
			if b.Contains(x) && !a.Intersect(b).Contains(x) {
				t.Fatalf("Intersect(%v, %v) = %v misses shared %#x", a, b, a.Intersect(b), x)
			}
		}
		if !Unknown.In(a) || (a.In(Unknown) && !a.IsUnknown()) {
			t.Fatalf("Unknown is not the top: %v", a)
		}
	}
}

func TestTnumSubregAndAlign(t *testing.T) {
	a := Tnum{Value: 0x1_0000_0010, Mask: 0xe_0000_000f}
	if got := a.Subreg(); got != (Tnum{0x10, 0xf}) {
		t.Errorf("Subreg = %v", got)
	}
	if got := a.ClearSubreg(); got != (Tnum{0x1_0000_0000, 0xe_0000_0000}) {
		t.Errorf("ClearSubreg = %v", got)
	}
	if got := a.WithSubreg(Const(7)); got != (Tnum{0x1_0000_0007, 0xe_0000_0000}) {
		t.Errorf("WithSubreg = %v", got)
	}
	if !(Tnum{Value: 16, Mask: 0x30}).IsAligned(8) || (Tnum{Value: 16, Mask: 0x4}).IsAligned(8) {
		t.Error("IsAligned")
	}
	if Const(0x2a).String() != "0x2a" || (Tnum{0x10, 0xf}).String() != "(0x10; 0xf)" {
		t.Error("String")
	}
}
