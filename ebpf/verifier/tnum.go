package verifier

// Tracked numbers: what the verifier knows about the bits of a value.
//
// A tnum is a pair (value, mask). A bit set in mask is unknown; a bit clear
// in mask is known and equal to that bit of value (value has no bit set
// where mask has one). The tnum stands for every 64-bit number x with
// x &^ mask == value: 2^popcount(mask) of them. Constants have mask 0; a
// number nothing is known about has value 0 and mask all ones.
//
// Each operation below is an abstract transfer function: for every x in a
// and y in b, x op y is in Op(a, b) (soundness, checked exhaustively over
// small tnums by tnum_test.go). Most are also optimal (the smallest tnum
// containing every result); multiplication is not, as in the kernel:
//
//  1. Bitwise and, or, xor act bit by bit: a bit of the result is known
//     when the operand bits decide it (0 & unknown = 0, 1 | unknown = 1).
//  2. Addition adds the known parts and the most the unknown bits can
//     add; every bit where the two sums differ, or where either operand was
//     unknown, is unknown (a carry can ripple from any unknown bit up).
//  3. Subtraction is addition's mirror: the extremes are value-value plus
//     a's mask and minus b's mask.
//  4. Shifts move value and mask together; an arithmetic right shift
//     copies the sign bit, known or not.
//  5. Multiplication walks the bits of a: each set known bit adds b's
//     unknown part shifted into place, each unknown bit adds all of b's
//     possible bits, then the product of the known parts is added to the
//     accumulated uncertainty (the CGO 2022 paper's our_mul, the kernel's
//     tnum_mul since 5.19).
//  6. Range turns an interval [min, max] into the tnum of the bits min and
//     max share above their highest differing bit.
//  7. Intersect is the meet: both tnums describe the same value, so a bit
//     known in either is known.
//
// The 32-bit subregister helpers (Subreg, ClearSubreg, ...) exist because
// ALU32 operations zero the upper half, which the verifier tracks.

import (
	"fmt"
	"math/bits"
)

// Tnum is a tracked number: bits set in Mask are unknown, the others are
// Value's.
type Tnum struct {
	Value, Mask uint64
}

// Unknown is a number nothing is known about.
var Unknown = Tnum{Value: 0, Mask: ^uint64(0)}

// Const is the tnum of exactly v.
func Const(v uint64) Tnum { return Tnum{Value: v} }

// Range is the smallest tnum holding every number in [min, max] (step 6).
func Range(min, max uint64) Tnum {
	chi := min ^ max
	n := bits.Len64(chi)
	if n > 63 {
		return Unknown
	}
	delta := uint64(1)<<n - 1
	return Tnum{Value: min &^ delta, Mask: delta}
}

// IsConst reports whether every bit is known.
func (a Tnum) IsConst() bool { return a.Mask == 0 }

// IsUnknown reports whether no bit is known.
func (a Tnum) IsUnknown() bool { return a.Mask == ^uint64(0) }

// Contains reports whether the concrete value x is one a stands for.
func (a Tnum) Contains(x uint64) bool { return x&^a.Mask == a.Value }

// In reports whether every value of b is a value of a (b ⊑ a).
func (a Tnum) In(b Tnum) bool {
	if b.Mask&^a.Mask != 0 {
		return false // b knows less somewhere a knows the bit
	}
	return b.Value&^a.Mask == a.Value
}

// Min and Max are the smallest and largest unsigned values of a.
func (a Tnum) Min() uint64 { return a.Value }
func (a Tnum) Max() uint64 { return a.Value | a.Mask }

// And is a & b (step 1).
func (a Tnum) And(b Tnum) Tnum {
	alpha, beta := a.Value|a.Mask, b.Value|b.Mask
	v := a.Value & b.Value
	return Tnum{Value: v, Mask: alpha & beta &^ v}
}

// Or is a | b (step 1).
func (a Tnum) Or(b Tnum) Tnum {
	v := a.Value | b.Value
	return Tnum{Value: v, Mask: (a.Mask | b.Mask) &^ v}
}

// Xor is a ^ b (step 1).
func (a Tnum) Xor(b Tnum) Tnum {
	mu := a.Mask | b.Mask
	return Tnum{Value: (a.Value ^ b.Value) &^ mu, Mask: mu}
}

// Add is a + b (step 2).
func (a Tnum) Add(b Tnum) Tnum {
	sm := a.Mask + b.Mask
	sv := a.Value + b.Value
	chi := (sm + sv) ^ sv
	mu := chi | a.Mask | b.Mask
	return Tnum{Value: sv &^ mu, Mask: mu}
}

// Sub is a - b (step 3).
func (a Tnum) Sub(b Tnum) Tnum {
	dv := a.Value - b.Value
	alpha, beta := dv+a.Mask, dv-b.Mask
	mu := (alpha ^ beta) | a.Mask | b.Mask
	return Tnum{Value: dv &^ mu, Mask: mu}
}

// Neg is -a.
func (a Tnum) Neg() Tnum { return Const(0).Sub(a) }

// Lsh is a << s (step 4); s is taken modulo 64 as by the instruction.
func (a Tnum) Lsh(s uint8) Tnum {
	s &= 63
	return Tnum{Value: a.Value << s, Mask: a.Mask << s}
}

// Rsh is the logical a >> s (step 4).
func (a Tnum) Rsh(s uint8) Tnum {
	s &= 63
	return Tnum{Value: a.Value >> s, Mask: a.Mask >> s}
}

// Arsh is the arithmetic a >> s of a value width bits wide (32 or 64):
// an unknown sign bit makes every copied bit unknown (step 4).
func (a Tnum) Arsh(s uint8, width int) Tnum {
	if width == 32 {
		s &= 31
		return Tnum{Value: uint64(uint32(int32(uint32(a.Value)) >> s)), Mask: uint64(uint32(int32(uint32(a.Mask)) >> s))}
	}
	s &= 63
	return Tnum{Value: uint64(int64(a.Value) >> s), Mask: uint64(int64(a.Mask) >> s)}
}

// Mul is a * b (step 5).
func (a Tnum) Mul(b Tnum) Tnum {
	accV := a.Value * b.Value
	accM := Const(0)
	for a.Value != 0 || a.Mask != 0 {
		switch {
		case a.Value&1 != 0:
			accM = accM.Add(Tnum{Mask: b.Mask})
		case a.Mask&1 != 0:
			accM = accM.Add(Tnum{Mask: b.Value | b.Mask})
		}
		a, b = a.Rsh(1), b.Lsh(1)
	}
	return Const(accV).Add(accM)
}

// Intersect is the tnum of values both a and b describe (step 7); the
// result is meaningful only if they share a value.
func (a Tnum) Intersect(b Tnum) Tnum {
	v := a.Value | b.Value
	mu := a.Mask & b.Mask
	return Tnum{Value: v &^ mu, Mask: mu}
}

// Union is the smallest tnum holding every value of a and of b (the join
// at a merge point).
func (a Tnum) Union(b Tnum) Tnum {
	mu := a.Mask | b.Mask | (a.Value ^ b.Value)
	return Tnum{Value: a.Value &^ mu, Mask: mu}
}

// Cast keeps the low size bytes, as a truncating move (size 1, 2, 4, 8).
func (a Tnum) Cast(size int) Tnum {
	if size >= 8 {
		return a
	}
	m := uint64(1)<<(8*size) - 1
	return Tnum{Value: a.Value & m, Mask: a.Mask & m}
}

// Subreg is the low 32 bits; ClearSubreg zeroes them; WithSubreg replaces
// them with the low 32 bits of b.
func (a Tnum) Subreg() Tnum      { return a.Cast(4) }
func (a Tnum) ClearSubreg() Tnum { return a.Rsh(32).Lsh(32) }
func (a Tnum) WithSubreg(b Tnum) Tnum {
	return a.ClearSubreg().Or(b.Subreg())
}

// IsAligned reports whether every value of a is a multiple of size (a
// power of two).
func (a Tnum) IsAligned(size uint64) bool {
	if size == 0 {
		return true
	}
	return (a.Value|a.Mask)&(size-1) == 0
}

// String prints a as the kernel's log does: the constant, or
// (value; mask) in hex.
func (a Tnum) String() string {
	if a.IsConst() {
		return fmt.Sprintf("%#x", a.Value)
	}
	return fmt.Sprintf("(%#x; %#x)", a.Value, a.Mask)
}
