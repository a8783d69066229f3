package jit

// The hot window: a checked access (memory.go) first tries the one window
// a program's accesses mostly go to, the context's in Run and the packet's
// in RunPacket, with a check of 4 instructions; only an access outside it
// takes the general translation of 11, out of line. The kernel's JIT
// emits none of either for accesses its verifier proved; on the packet
// loops of `deepsys ebpf bench` the general path made our code about twice
// as long as the kernel's.
//
//  1. setHot copies window i's bounds into the machine, relative to the
//     first accessible byte: hotLo is its program address (i<<32 + lo),
//     hotBase its host address (base + lo), and hotLim[k], for each access
//     kind k of window.lim, max(lim[k] - lo + 1, 0): how many offsets past
//     hotLo an access of that kind may start at (0: none). Hot windows are
//     read-write, so loads and stores of a size get the same bound.
//  2. The code computes d = address - hotLo (SUB) and takes the access if
//     d < hotLim[k] unsigned (CMP, JAE), at host address d + hotBase (ADD).
//     Unsigned, d < hotLim[k] <= 2^32 - lo says the address is in window i
//     (another window's differs by a multiple of 2^32: below, d wraps to a
//     huge number; above, d >= 2^32 - lo) at offset o = lo + d with
//     lo <= o <= lim[k]: exactly window i's own check, so no access is
//     taken that the general check would refuse.
//  3. Otherwise the out-of-line path adds hotLo back, runs the general
//     check (which faults exactly as before) and jumps back to the access.
//  4. The hot window's copy must follow the window: reset sets it to the
//     context's, mapPacket (also after a helper moved the packet) to the
//     packet's. Windows whose bounds the code changes itself (the stack's,
//     at local calls) are never hot.

import x86 "github.com/deepsys/deepsys/internal/amd64"

// slowPath is a checked access's way out of the hot window (step 3).
type slowPath struct {
	label, join x86.Label
	pc, n       int
	store       bool
}

// setHot makes window i, which was just pointed at base with offsets
// [lo, size) accessible for loads and stores, the hot window (step 1). It
// is computed from the arguments, not read back from the window: Run pays
// for it on every call (reading the window back cost 6 ns, a loop over it
// as much).
func (m *machine) setHot(i int, base uintptr, lo, size uint64) {
	m.hotLo = uint64(i)<<32 + lo
	m.hotBase = base + uintptr(lo)
	n := int64(size) - int64(lo) // lim[k] - lo + 1 = n - bytes + 1
	l1, l2, l4, l8 := uint64(max(n, 0)), uint64(max(n-1, 0)), uint64(max(n-3, 0)), uint64(max(n-7, 0))
	h := &m.hotLim
	h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7] = l1, l2, l4, l8, l1, l2, l4, l8
}

// emitSlowPaths writes the out-of-line general checks (step 3).
func (g *gen) emitSlowPaths() {
	a := &g.a
	for _, s := range g.slow {
		a.Bind(s.label)
		a.ALURM(x86.Add, x86.W64, x86.RAX, ctx(offHotLo))
		g.translateAny(s.pc, s.n, s.store)
		a.Jmp(s.join)
	}
}
