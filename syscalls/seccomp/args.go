package seccomp

import "github.com/opencontainers/runtime-spec/specs-go"

// Argument conditions. seccomp_data.args[i] is a u64 at offset 16+8i, and
// classic BPF loads 32-bit words, so a 64-bit comparison is done on the high
// word, then the low word, as libseccomp does (little endian: the low word
// is first). With hi/lo the argument's words and H/L the value's:
//
//	EQ  hi == H && lo == L            NE  !EQ
//	GT  hi > H || (hi == H && lo > L) LE  !GT
//	GE  hi > H || (hi == H && lo >= L) LT !GE
//	MASKED_EQ  (hi & MH) == VH && (lo & ML) == VL
//
// All comparisons are unsigned (BPF_JGT/JGE are).

// seccomp_data offsets (include/uapi/linux/seccomp.h).
const (
	offNr   = 0
	offArch = 4
	offArgs = 16
)

func argLo(i int) uint32 { return uint32(offArgs + 8*i) }
func argHi(i int) uint32 { return uint32(offArgs + 8*i + 4) }

// emitRule emits a rule's conditions and its RET; a failed condition jumps
// to fail.
func (b *builder) emitRule(r rule, fail label) {
	for _, c := range r.conds {
		pass := b.newLabel()
		b.emitCond(c, pass, fail)
		b.bind(pass)
	}
	b.ret(r.ret)
}

// emitCond emits one 64-bit comparison that goes to pass or fail.
func (b *builder) emitCond(c cond, pass, fail label) {
	hi, lo := uint32(c.value>>32), uint32(c.value)
	b.stmt(opLdAbs, argHi(c.index))
	switch c.op {
	case specs.OpEqualTo:
		b.jump(opJeqK, hi, next, fail)
		b.stmt(opLdAbs, argLo(c.index))
		b.jump(opJeqK, lo, pass, fail)
	case specs.OpNotEqual:
		b.jump(opJeqK, hi, next, pass)
		b.stmt(opLdAbs, argLo(c.index))
		b.jump(opJeqK, lo, fail, pass)
	case specs.OpGreaterThan, specs.OpGreaterEqual:
		b.emitOrdered(c, hi, lo, pass, fail)
	case specs.OpLessEqual, specs.OpLessThan: // the negations of GT and GE
		b.emitOrdered(c, hi, lo, fail, pass)
	case specs.OpMaskedEqual:
		b.stmt(opAndK, uint32(c.value>>32))
		b.jump(opJeqK, uint32(c.valueTwo>>32), next, fail)
		b.stmt(opLdAbs, argLo(c.index))
		b.stmt(opAndK, uint32(c.value))
		b.jump(opJeqK, uint32(c.valueTwo), pass, fail)
	}
}

// emitOrdered emits GT (for GT and LE) or GE (for GE and LT), with the
// high word already in A: yes when it holds, no when not.
func (b *builder) emitOrdered(c cond, hi, lo uint32, yes, no label) {
	low := uint16(opJgtK)
	if c.op == specs.OpGreaterEqual || c.op == specs.OpLessThan {
		low = opJgeK
	}
	b.jump(opJgtK, hi, yes, next)
	b.jump(opJeqK, hi, next, no)
	b.stmt(opLdAbs, argLo(c.index))
	b.jump(low, lo, yes, no)
}
