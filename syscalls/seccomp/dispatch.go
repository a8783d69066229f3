package seccomp

import (
	"slices"

	"golang.org/x/sys/unix"
)

// The dispatch on the syscall number. libseccomp compiles a filter by
// default as a chain of "jeq nr" comparisons, one per syscall with a rule,
// so a syscall near the end of a 300-entry profile runs 300 comparisons
// (libseccomp 2.5 can build a binary tree instead, SCMP_FLTATR_CTL_OPTIMIZE
// = 2, which still ends each path in equality tests). We instead cut
// the number line [0, 2^32) into intervals on which the filter does the
// same thing: a run of consecutive numbers with the same plain action (say
// ALLOW for 0-17), a gap between rules (the default), or one number whose
// rules test arguments. The interval starts are sorted, so a binary search
// of "jge start" comparisons finds the interval of nr in ceil(log2(n))
// steps, and no equality test is needed at the bottom: the interval alone
// decides. Docker's 310 x86-64 syscalls fall into 66 intervals: at most 7
// comparisons. Options.Linear keeps the chain for comparison.

// interval is [start, next interval's start) with its leaf.
type interval struct {
	start uint32
	leaf  leaf
}

// intervals cuts [0, 2^32) by ls (sorted by number), merging neighbours
// whose leaves are the same plain action.
func intervals(ls []leaf, def uint32) []interval {
	out := []interval{{start: 0, leaf: leaf{final: def}}}
	add := func(start uint32, l leaf) {
		if last := out[len(out)-1]; last.start == start { // an empty gap: drop it
			out = out[:len(out)-1]
		}
		if len(out) > 0 {
			last := out[len(out)-1].leaf
			if len(l.conditional) == 0 && len(last.conditional) == 0 && last.final == l.final {
				return
			}
		}
		out = append(out, interval{start: start, leaf: l})
	}
	for _, l := range ls {
		add(uint32(l.nr), l)
		add(uint32(l.nr)+1, leaf{final: def})
	}
	return out
}

// leaf is everything the filter does for one syscall number: its
// conditional rules in policy order, then the action when none matches
// (the first unconditional rule's, or the default).
type leaf struct {
	nr          int
	conditional []rule
	final       uint32
	hasFinal    bool // an unconditional rule set final
}

// leaves groups the rules by number, dropping numbers whose leaf would do
// exactly what the default does.
func leaves(res *resolved) []leaf {
	byNr := map[int]*leaf{}
	var order []int
	for _, r := range res.rules {
		l := byNr[r.nr]
		if l == nil {
			l = &leaf{nr: r.nr, final: res.defaultRet}
			byNr[r.nr] = l
			order = append(order, r.nr)
		}
		l.add(r)
	}
	slices.Sort(order)
	out := make([]leaf, 0, len(order))
	for _, nr := range order {
		if l := byNr[nr]; len(l.conditional) > 0 || l.final != res.defaultRet {
			out = append(out, *l)
		}
	}
	return out
}

// add files rule r: conditional rules in order; the first unconditional
// rule sets the final action and later ones are shadowed.
func (l *leaf) add(r rule) {
	switch {
	case len(r.conds) > 0:
		l.conditional = append(l.conditional, r)
	case !l.hasFinal:
		l.final, l.hasFinal = r.ret, true
	}
}

// emitFilter emits the whole program: the arch check, the x32 check (which
// lets nr -1 through, as libseccomp does: syscall(-1) is how a ptracer
// skips a call), the dispatch, the default.
func (b *builder) emitFilter(ls []leaf, def uint32, o Options) {
	bad := b.newLabel()
	b.stmt(opLdAbs, offArch)
	b.jump(opJeqK, auditArchX86_64, next, bad)
	b.stmt(opLdAbs, offNr)
	dispatch := b.newLabel()
	b.jump(opJgeK, x32SyscallBit, next, dispatch)
	b.jump(opJeqK, nrMinusOne, dispatch, bad)
	b.bind(dispatch)
	if o.Linear {
		b.emitChain(ls, def)
	} else {
		b.emitSearch(intervals(ls, def))
	}
	b.bind(bad)
	if o.AllowForeignArch {
		b.ret(unix.SECCOMP_RET_ALLOW)
		return
	}
	b.ret(badArchAction)
}

// emitSearch emits the binary search over the intervals with the syscall
// number in A.
func (b *builder) emitSearch(ivs []interval) {
	if len(ivs) == 1 {
		b.emitLeaf(ivs[0].leaf)
		return
	}
	mid := len(ivs) / 2
	right := b.newLabel()
	b.jump(opJgeK, ivs[mid].start, right, next)
	b.emitSearch(ivs[:mid])
	b.bind(right)
	b.emitSearch(ivs[mid:])
}

// emitChain emits "jeq nr" for each leaf, the leaf inline after its
// comparison, and the default at the end.
func (b *builder) emitChain(ls []leaf, def uint32) {
	for _, l := range ls {
		skip := b.newLabel()
		b.jump(opJeqK, uint32(l.nr), next, skip)
		b.emitLeaf(l)
		b.bind(skip)
	}
	b.ret(def)
}

// emitLeaf emits one syscall's rules; every path ends in a RET.
func (b *builder) emitLeaf(l leaf) {
	for _, r := range l.conditional {
		fail := b.newLabel()
		b.emitRule(r, fail)
		b.bind(fail)
	}
	b.ret(l.final)
}
