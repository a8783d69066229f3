package verifier

// Conditional jumps: what each outcome teaches about its operands (the
// kernel's reg_set_min_max and is_branch_taken).
//
//  1. The outcome is turned into the condition that holds: the taken edge
//     of "if a > b" has a > b, the fall-through a <= b (negate).
//  2. That condition narrows the intervals of both operands at the jump's
//     width: a > b makes a at least b's minimum + 1 and b at most a's
//     maximum - 1; a == b makes them meet; a != b trims an end equal to a
//     constant other side; a & b == 0 (a JSET not taken) with a constant b
//     makes b's bits known zeros in a.
//  3. Sync lets the narrowed interval tighten the tnum and the rest.
//  4. An edge whose operands come out empty cannot be taken: the branch
//     outcome is known (BranchTaken), and the verifier skips the dead
//     edge, as the kernel does.

import (
	"math"

	"github.com/deepsys/deepsys/ebpf"
)

// negations pair each condition with its negation.
var negations = map[ebpf.JumpOp]ebpf.JumpOp{
	ebpf.JumpEq: ebpf.JumpNE, ebpf.JumpNE: ebpf.JumpEq,
	ebpf.JumpGT: ebpf.JumpLE, ebpf.JumpLE: ebpf.JumpGT,
	ebpf.JumpGE: ebpf.JumpLT, ebpf.JumpLT: ebpf.JumpGE,
	ebpf.JumpSGT: ebpf.JumpSLE, ebpf.JumpSLE: ebpf.JumpSGT,
	ebpf.JumpSGE: ebpf.JumpSLT, ebpf.JumpSLT: ebpf.JumpSGE,
}

// jsetClear is the negation of JSET: a & b == 0 (not an opcode).
const jsetClear ebpf.JumpOp = 0xff

// Refine returns a and b narrowed by the outcome of "if a op b" at width
// 32 or 64 (steps 1-3). Either result may be Empty: that edge is dead.
func Refine(op ebpf.JumpOp, a, b Scalar, width int, taken bool) (Scalar, Scalar) {
	if !taken {
		if op == ebpf.JumpSet {
			op = jsetClear
		} else {
			op = negations[op]
		}
	}
	if width == 32 {
		refineRanges(op, &a.U32, &b.U32, &a.S32, &b.S32, math.MaxUint32)
	} else {
		refineRanges(op, &a.U, &b.U, &a.S, &b.S, math.MaxUint64)
	}
	refineBits(op, &a, &b, width)
	a.Sync()
	b.Sync()
	return a, b
}

// BranchTaken reports whether "if a op b" is always taken (taken, true),
// never taken (false, true), or either (_, false): step 4.
func BranchTaken(op ebpf.JumpOp, a, b Scalar, width int) (taken, known bool) {
	ta, tb := Refine(op, a, b, width, true)
	if ta.Empty() || tb.Empty() {
		return false, true
	}
	fa, fb := Refine(op, a, b, width, false)
	if fa.Empty() || fb.Empty() {
		return true, true
	}
	return false, false
}

// refineRanges is step 2 on the intervals of one width; maxU is the
// width's largest unsigned value.
func refineRanges(op ebpf.JumpOp, ua, ub *urange, sa, sb *srange, maxU uint64) {
	switch op {
	case ebpf.JumpEq:
		*ua, *ub = ua.meet(*ub), ub.meet(*ua)
		*sa, *sb = sa.meet(*sb), sb.meet(*sa)
	case ebpf.JumpNE:
		trimU(ua, ub)
		trimU(ub, ua)
		trimS(sa, sb)
		trimS(sb, sa)
	case ebpf.JumpGT, ebpf.JumpGE:
		strictU(ua, ub, op == ebpf.JumpGT, maxU)
	case ebpf.JumpLT, ebpf.JumpLE:
		strictU(ub, ua, op == ebpf.JumpLT, maxU)
	case ebpf.JumpSGT, ebpf.JumpSGE:
		strictS(sa, sb, op == ebpf.JumpSGT)
	case ebpf.JumpSLT, ebpf.JumpSLE:
		strictS(sb, sa, op == ebpf.JumpSLT)
	}
}

// strictU narrows hi > lo (or hi >= lo when !strict).
func strictU(hi, lo *urange, strict bool, maxU uint64) {
	d := uint64(0)
	if strict {
		d = 1
	}
	if lo.min > maxU-d || hi.max < d {
		*hi, *lo = urange{1, 0}, urange{1, 0} // empty: nothing is above the maximum
		return
	}
	hi.min = max(hi.min, lo.min+d)
	lo.max = min(lo.max, hi.max-d)
}

func strictS(hi, lo *srange, strict bool) {
	d := int64(0)
	if strict {
		d = 1
	}
	if (strict && lo.min == math.MaxInt64) || (strict && hi.max == math.MinInt64) {
		*hi, *lo = srange{1, 0}, srange{1, 0}
		return
	}
	hi.min = max(hi.min, lo.min+d)
	lo.max = min(lo.max, hi.max-d)
}

// trimU: a != b with b one number: a cannot be it, so an end of a equal
// to it moves in by one.
func trimU(a, b *urange) {
	if b.min != b.max {
		return
	}
	switch c := b.min; {
	case a.min == c && a.max == c:
		*a = urange{1, 0}
	case a.min == c:
		a.min++
	case a.max == c:
		a.max--
	}
}

func trimS(a, b *srange) {
	if b.min != b.max {
		return
	}
	switch c := b.min; {
	case a.min == c && a.max == c:
		*a = srange{1, 0}
	case a.min == c:
		a.min++
	case a.max == c:
		a.max--
	}
}

// refineBits is step 2 on the tnums: equality meets them, JSET's outcome
// with a constant operand fixes bits.
func refineBits(op ebpf.JumpOp, a, b *Scalar, width int) {
	view := func(s *Scalar) Tnum {
		if width == 32 {
			return s.Var.Subreg()
		}
		return s.Var
	}
	set := func(s *Scalar, t Tnum) {
		if width == 32 {
			s.Var = s.Var.WithSubreg(t)
		} else {
			s.Var = t
		}
	}
	ta, tb := view(a), view(b)
	switch op {
	case ebpf.JumpEq:
		if (ta.Value^tb.Value)&^(ta.Mask|tb.Mask) != 0 {
			a.U = urange{1, 0} // known bits disagree: the edge is dead
			return
		}
		set(a, ta.Intersect(tb))
		set(b, ta.Intersect(tb))
	case ebpf.JumpSet:
		if c, ok := constTnum(tb); ok && c&(c-1) == 0 && c != 0 {
			set(a, ta.Or(Const(c)))
		}
		if ta.Value&tb.Value == 0 && (ta.Value|ta.Mask)&(tb.Value|tb.Mask) == 0 {
			a.U = urange{1, 0} // no bit can be common: never taken
		}
	case jsetClear:
		if c, ok := constTnum(tb); ok {
			set(a, Tnum{Value: ta.Value &^ c, Mask: ta.Mask &^ c})
			if ta.Value&c != 0 {
				a.U = urange{1, 0} // a known common bit: always taken
			}
		}
	}
}

func constTnum(t Tnum) (uint64, bool) { return t.Value, t.IsConst() }
