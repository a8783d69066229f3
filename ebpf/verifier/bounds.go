package verifier

// Bounds: the intervals the verifier keeps beside a scalar's tnum, and how
// the two refine each other (the kernel's reg_bounds_sync).
//
// A scalar register holds four intervals — unsigned and signed, over all
// 64 bits and over the low 32 (the subregister ALU32 instructions see) —
// and a tnum. Each is a sound description on its own; together they are
// more precise than any one, because each can tighten the others:
//
//  1. From the tnum to the intervals (__update_reg_bounds): the smallest
//     unsigned value is the known bits with every unknown bit 0, the
//     largest with every unknown bit 1; the signed extremes put an unknown
//     sign bit at 1 for the minimum and 0 for the maximum.
//  2. Between signed and unsigned (__reg_deduce_bounds): an interval that
//     does not cross the sign boundary means the same numbers read either
//     way, so each bounds the other.
//  3. Between 64 and 32 bits: when the upper halves of the 64-bit unsigned
//     bounds agree, the low halves bound the subregister, and the
//     subregister's bounds, placed under that fixed upper half, bound the
//     64-bit value.
//  4. From the intervals to the tnum (__reg_bound_offset): the tnum of the
//     unsigned range (Range) is intersected in, for 64 and 32 bits.
//  5. Step 1 once more, to carry what step 4 learnt back.
//
// Every step only removes values the others already exclude, so a value
// inside all five descriptions before sync is inside them after.

import "math"

// urange and srange are closed intervals.
type urange struct{ min, max uint64 }
type srange struct{ min, max int64 }

// Scalar is what the verifier knows about a number.
type Scalar struct {
	Var Tnum
	U   urange // 64-bit unsigned
	S   srange // 64-bit signed
	U32 urange // low 32 bits, unsigned (within [0, MaxUint32])
	S32 srange // low 32 bits, signed (within int32)
}

var (
	fullU   = urange{0, math.MaxUint64}
	fullS   = srange{math.MinInt64, math.MaxInt64}
	fullU32 = urange{0, math.MaxUint32}
	fullS32 = srange{math.MinInt32, math.MaxInt32}
)

// UnknownScalar is a number nothing is known about.
func UnknownScalar() Scalar {
	return Scalar{Var: Unknown, U: fullU, S: fullS, U32: fullU32, S32: fullS32}
}

// ConstScalar is exactly v.
func ConstScalar(v uint64) Scalar {
	return Scalar{
		Var: Const(v),
		U:   urange{v, v}, S: srange{int64(v), int64(v)},
		U32: urange{uint64(uint32(v)), uint64(uint32(v))}, S32: srange{int64(int32(v)), int64(int32(v))},
	}
}

// Contains reports whether x satisfies every description of s.
func (s Scalar) Contains(x uint64) bool {
	lo := uint64(uint32(x))
	return s.Var.Contains(x) &&
		s.U.min <= x && x <= s.U.max &&
		s.S.min <= int64(x) && int64(x) <= s.S.max &&
		s.U32.min <= lo && lo <= s.U32.max &&
		s.S32.min <= int64(int32(x)) && int64(int32(x)) <= s.S32.max
}

// IsConst reports whether s is one number, and which.
func (s Scalar) IsConst() (uint64, bool) { return s.Var.Value, s.Var.IsConst() }

// Empty reports whether no number satisfies s (a contradiction: the path
// that led here cannot be taken).
func (s Scalar) Empty() bool {
	return s.U.min > s.U.max || s.S.min > s.S.max || s.U32.min > s.U32.max || s.S32.min > s.S32.max
}

// Sync applies steps 1-5.
func (s *Scalar) Sync() {
	s.fromTnum()
	s.deduce()
	s.toTnum()
	s.fromTnum()
}

// fromTnum is step 1 for both widths.
func (s *Scalar) fromTnum() {
	v, m := s.Var.Value, s.Var.Mask
	s.U = s.U.meet(urange{v, v | m})
	s.S = s.S.meet(srange{int64(v | m&(1<<63)), int64(v | m&^(1<<63))})
	v32, m32 := uint64(uint32(v)), uint64(uint32(m))
	s.U32 = s.U32.meet(urange{v32, v32 | m32})
	s.S32 = s.S32.meet(srange{int64(int32(uint32(v32 | m32&(1<<31)))), int64(int32(uint32(v32 | m32&^(1<<31))))})
}

// deduce is steps 2 and 3.
func (s *Scalar) deduce() {
	// Step 3 first: the 64-bit ranges say what they can about the low half.
	if s.U.min>>32 == s.U.max>>32 {
		s.U32 = s.U32.meet(urange{uint64(uint32(s.U.min)), uint64(uint32(s.U.max))})
	}
	if uint64(s.S.min)>>32 == uint64(s.S.max)>>32 {
		s.U32 = s.U32.meet(urange{uint64(uint32(s.S.min)), uint64(uint32(s.S.max))})
	}
	// Step 2 for 32 bits, then 64.
	s.U32, s.S32 = crossSign(s.U32, s.S32, 32)
	s.U, s.S = crossSign(s.U, s.S, 64)
	// Step 3 back: the subregister's bounds under a fixed upper half.
	if hi := s.U.min >> 32; hi == s.U.max>>32 {
		s.U = s.U.meet(urange{hi<<32 | s.U32.min, hi<<32 | s.U32.max})
		s.U, s.S = crossSign(s.U, s.S, 64)
	}
}

// crossSign is step 2 at one width: a range that does not cross the sign
// boundary is the same set read signed or unsigned.
func crossSign(u urange, s srange, width int) (urange, srange) {
	if toSigned(u.min, width) <= toSigned(u.max, width) {
		s = s.meet(srange{toSigned(u.min, width), toSigned(u.max, width)})
	}
	if toUnsigned(s.min, width) <= toUnsigned(s.max, width) {
		u = u.meet(urange{toUnsigned(s.min, width), toUnsigned(s.max, width)})
	}
	return u, s
}

// toTnum is step 4.
func (s *Scalar) toTnum() {
	s.Var = s.Var.Intersect(Range(s.U.min, s.U.max))
	s.Var = s.Var.WithSubreg(s.Var.Subreg().Intersect(Range(s.U32.min, s.U32.max)))
}

func toSigned(x uint64, width int) int64 {
	if width == 32 {
		return int64(int32(uint32(x)))
	}
	return int64(x)
}

func toUnsigned(x int64, width int) uint64 {
	if width == 32 {
		return uint64(uint32(x))
	}
	return uint64(x)
}

func (a urange) meet(b urange) urange { return urange{max(a.min, b.min), min(a.max, b.max)} }
func (a srange) meet(b srange) srange { return srange{max(a.min, b.min), min(a.max, b.max)} }
