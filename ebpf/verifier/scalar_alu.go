package verifier

// Arithmetic on scalars: the transfer function of each ALU instruction over
// the tnum and the four intervals (the kernel's adjust_scalar_min_max_vals
// and its scalar_min_max_* / scalar32_min_max_* helpers).
//
//  1. Each operation computes the tnum (tnum.go) and, independently, each
//     interval from the operands' intervals of the same kind: an interval
//     bound that could overflow makes that interval unbounded, never wrong.
//  2. An ALU64 instruction computes the 64-bit and the 32-bit intervals;
//     an ALU32 instruction computes the 32-bit ones and then zero-extends
//     the result (zext), so its 64-bit intervals are the 32-bit unsigned
//     one and its upper tnum bits are known zeros.
//  3. Sync (bounds.go) lets the descriptions tighten each other.
//
// Operations the verifier does not track precisely (division, modulo,
// shifts by an unknown amount, byte swaps, sign extension of unknowns)
// give an unknown scalar, as the kernel marks them (mark_reg_unknown), but
// a constant folded with a constant stays constant.

import (
	"math"
	"math/bits"

	"github.com/deepsys/deepsys/ebpf"
)

// ALU is the scalar dst op src for an instruction of the given width (32
// or 64 bits). offset is the instruction's: nonzero selects the signed
// division and modulo and the sign-extending moves of RFC 9669 v4, which
// give an unknown scalar here. For neg, src is ignored.
func ALU(op ebpf.ALUOp, offset int16, dst, src Scalar, width int) Scalar {
	var r Scalar
	if width == 32 {
		dst, src = dst.low32(), src.low32()
	}
	switch {
	case offset != 0:
		r = UnknownScalar()
	default:
		r = aluOp(op, dst, src, width)
	}
	if width == 32 {
		r = r.zext()
	}
	r.Sync()
	return r
}

func aluOp(op ebpf.ALUOp, dst, src Scalar, width int) Scalar {
	switch op {
	case ebpf.ALUAdd:
		return add(dst, src)
	case ebpf.ALUSub:
		return sub(dst, src)
	case ebpf.ALUMul:
		return mul(dst, src)
	case ebpf.ALUAnd, ebpf.ALUOr, ebpf.ALUXor:
		return bitwise(op, dst, src)
	case ebpf.ALULsh, ebpf.ALURsh, ebpf.ALUArsh:
		return shift(op, dst, src, width)
	case ebpf.ALUMov:
		return src
	case ebpf.ALUNeg:
		return sub(ConstScalar(0), dst)
	}
	return folded(op, dst, src, width)
}

// low32 is the operand as an ALU32 instruction sees it: the subregister,
// zero-extended.
func (s Scalar) low32() Scalar { return s.zext() }

// zext keeps the low 32 bits (step 2).
func (s Scalar) zext() Scalar {
	r := Scalar{Var: s.Var.Subreg(), U32: s.U32, S32: s.S32}
	r.U = s.U32
	r.S = srange{int64(s.U32.min), int64(s.U32.max)}
	return r
}

func add(a, b Scalar) Scalar {
	return Scalar{
		Var: a.Var.Add(b.Var),
		U:   addU(a.U, b.U, 64), S: addS(a.S, b.S, 64),
		U32: addU(a.U32, b.U32, 32), S32: addS(a.S32, b.S32, 32),
	}
}

func sub(a, b Scalar) Scalar {
	return Scalar{
		Var: a.Var.Sub(b.Var),
		U:   subU(a.U, b.U, 64), S: subS(a.S, b.S, 64),
		U32: subU(a.U32, b.U32, 32), S32: subS(a.S32, b.S32, 32),
	}
}

func mul(a, b Scalar) Scalar {
	return Scalar{
		Var: a.Var.Mul(b.Var),
		U:   mulU(a.U, b.U, 64), S: mulS(a.S, b.S, 64),
		U32: mulU(a.U32, b.U32, 32), S32: mulS(a.S32, b.S32, 32),
	}
}

// bitwise is and, or, xor: the intervals come from the result's tnum by
// Sync; what the operands' intervals add is the kernel's: an and is no
// larger than either operand, an or no smaller.
func bitwise(op ebpf.ALUOp, a, b Scalar) Scalar {
	r := UnknownScalar()
	switch op {
	case ebpf.ALUAnd:
		r.Var = a.Var.And(b.Var)
		r.U.max, r.U32.max = min(a.U.max, b.U.max), min(a.U32.max, b.U32.max)
	case ebpf.ALUOr:
		r.Var = a.Var.Or(b.Var)
		r.U.min, r.U32.min = max(a.U.min, b.U.min), max(a.U32.min, b.U32.min)
	default:
		r.Var = a.Var.Xor(b.Var)
	}
	return r
}

// shift handles shifts by a known amount; an unknown amount, or one of
// the width or more (defined at run time, but not tracked by Linux:
// adjust_scalar_min_max_vals marks the result unknown), gives an unknown
// result.
func shift(op ebpf.ALUOp, a, b Scalar, width int) Scalar {
	n, ok := b.IsConst()
	if !ok || n >= uint64(width) {
		return UnknownScalar()
	}
	s := uint8(n) & uint8(width-1)
	switch op {
	case ebpf.ALULsh:
		if width == 32 {
			return UnknownScalar().withVar(a.Var.Lsh(s).Subreg())
		}
		return UnknownScalar().withVar(a.Var.Lsh(s))
	case ebpf.ALURsh:
		r := UnknownScalar().withVar(a.Var.Rsh(s))
		r.U = urange{a.U.min >> s, a.U.max >> s}
		if width == 32 {
			r.U32 = r.U
		}
		return r
	}
	r := UnknownScalar().withVar(a.Var.Arsh(s, width))
	if width == 32 {
		r.S32 = srange{a.S32.min >> s, a.S32.max >> s}
		return r
	}
	r.S = srange{a.S.min >> s, a.S.max >> s}
	return r
}

// folded computes the operations the verifier does not track when both
// operands are constants, and gives unknown otherwise.
func folded(op ebpf.ALUOp, a, b Scalar, width int) Scalar {
	x, okA := a.IsConst()
	y, okB := b.IsConst()
	if !okA || !okB {
		return UnknownScalar()
	}
	switch {
	case op == ebpf.ALUDiv && y != 0 && width == 32:
		return ConstScalar(uint64(uint32(x) / uint32(y)))
	case op == ebpf.ALUDiv && y != 0:
		return ConstScalar(x / y)
	case op == ebpf.ALUMod && y != 0 && width == 32:
		return ConstScalar(uint64(uint32(x) % uint32(y)))
	case op == ebpf.ALUMod && y != 0:
		return ConstScalar(x % y)
	case op == ebpf.ALUNeg:
		return ConstScalar(-x)
	}
	return UnknownScalar()
}

func (s Scalar) withVar(v Tnum) Scalar { s.Var = v; return s }

// Interval arithmetic at a width (32: the bounds are within uint32/int32).

func addU(a, b urange, width int) urange {
	lo, c1 := bits.Add64(a.min, b.min, 0)
	hi, c2 := bits.Add64(a.max, b.max, 0)
	if c1 != 0 || c2 != 0 || (width == 32 && hi > math.MaxUint32) {
		return fullRangeU(width)
	}
	return urange{lo, hi}
}

func subU(a, b urange, width int) urange {
	if a.min < b.max {
		return fullRangeU(width)
	}
	return urange{a.min - b.max, a.max - b.min}
}

func mulU(a, b urange, width int) urange {
	hi, lo := bits.Mul64(a.max, b.max)
	if hi != 0 || (width == 32 && lo > math.MaxUint32) {
		return fullRangeU(width)
	}
	return urange{a.min * b.min, lo}
}

func addS(a, b srange, width int) srange {
	lo, ok1 := addInt(a.min, b.min, width)
	hi, ok2 := addInt(a.max, b.max, width)
	if !ok1 || !ok2 {
		return fullRangeS(width)
	}
	return srange{lo, hi}
}

func subS(a, b srange, width int) srange {
	lo, ok1 := addInt(a.min, -b.max, width)
	hi, ok2 := addInt(a.max, -b.min, width)
	if !ok1 || !ok2 || b.max == math.MinInt64 || b.min == math.MinInt64 {
		return fullRangeS(width)
	}
	return srange{lo, hi}
}

func mulS(a, b srange, width int) srange {
	r := srange{math.MaxInt64, math.MinInt64}
	for _, x := range []int64{a.min, a.max} {
		for _, y := range []int64{b.min, b.max} {
			p, ok := mulInt(x, y, width)
			if !ok {
				return fullRangeS(width)
			}
			r = srange{min(r.min, p), max(r.max, p)}
		}
	}
	return r
}

// addInt is x+y if it fits the width's signed range.
func addInt(x, y int64, width int) (int64, bool) {
	s := x + y
	if width == 32 {
		return s, s >= math.MinInt32 && s <= math.MaxInt32
	}
	return s, (y >= 0) == (s >= x)
}

// mulInt is x*y if it fits the width's signed range.
func mulInt(x, y int64, width int) (int64, bool) {
	if width == 32 {
		p := x * y // |x|, |y| <= 2^31: no 64-bit overflow
		return p, p >= math.MinInt32 && p <= math.MaxInt32
	}
	if x == 0 || y == 0 {
		return 0, true
	}
	p := x * y
	if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
		return 0, false
	}
	return p, true
}

func fullRangeU(width int) urange {
	if width == 32 {
		return fullU32
	}
	return fullU
}

func fullRangeS(width int) srange {
	if width == 32 {
		return fullS32
	}
	return fullS
}
