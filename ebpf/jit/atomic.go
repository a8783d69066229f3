package jit

// Atomic operations, RFC 9669 §5.3, as interp's atomic.go: the address
// must be aligned to the width (else ErrMisaligned, checked before the
// bounds), the word must be writable, 32-bit results are zero-extended.
//
//	add, or, and, xor          lock add/or/and/xor [m], src
//	fetch add                  lock xadd [m], src
//	fetch or, and, xor         a lock cmpxchg loop (x86 has no fetching form)
//	xchg                       xchg [m], src (locked without the prefix)
//	cmpxchg                    lock cmpxchg [m], src with r0 in RAX
//
// A locked instruction is a full barrier on x86 (internal/amd64,
// encode_atomic.go), the sequential consistency RFC 9669 asks for.
//
// An aligned program address can still be a misaligned host address when
// the Go slice behind a region starts at an odd address; a locked access
// that then straddles a cache line is a "split lock", which Linux may
// answer with SIGBUS (split_lock_detect=fatal) and that would kill the
// runtime. The code tests the host address and takes a plain
// read-modify-write instead, as interp does for such slices: correct for
// one run, not atomic across runs. Frames in the machine are aligned, so
// r10-relative atomics skip the test.

import (
	"github.com/deepsys/deepsys/ebpf"
	x86 "github.com/deepsys/deepsys/internal/amd64"
)

func (g *gen) atomic(pc int, ins ebpf.Instruction) {
	a := &g.a
	w := widths[ins.Size()]
	n := int(w)
	if inFrame(ins.Dst, ins.Offset, n) && int(ins.Offset)%n == 0 {
		g.atomicOp(ins, w, x86.Mem{Base: x86.RBP, Disp: int32(ins.Offset)})
		return
	}
	g.address(ins.Dst, ins.Offset)
	a.TestRI(x86.W32, x86.RAX, int32(n-1))
	a.Jcc(x86.NE, g.stub(pc, exitMisaligned))
	m := g.translate(pc, n, true)
	plain, done := a.NewLabel(), a.NewLabel()
	a.TestRI(x86.W32, x86.RAX, int32(n-1))
	a.Jcc(x86.NE, plain)
	g.atomicOp(ins, w, m)
	a.Jmp(done)
	a.Bind(plain)
	g.plainOp(ins, w, m)
	a.Bind(done)
}

// atomicOp emits the locked operation on m (RBP-based, or [RAX]).
func (g *gen) atomicOp(ins ebpf.Instruction, w x86.Width, m x86.Mem) {
	a := &g.a
	aop := ebpf.AtomicOp(ins.Imm)
	op, fetch := aluOf(aop)
	switch {
	case !fetch:
		a.LockALUMR(op, w, m, g.read(ins.Src, x86.RDX))
	case aop == ebpf.AtomicAdd|ebpf.AtomicFetch:
		a.LockXadd(w, m, reg(ins.Src))
	case aop == ebpf.AtomicXchg:
		a.XchgMR(w, m, reg(ins.Src))
	case aop == ebpf.AtomicCmpXchg:
		m = g.offRAX(m)
		a.MovRR(x86.W64, x86.RAX, reg(ebpf.R0))
		a.LockCmpxchg(w, m, reg(ins.Src))
		a.MovRR(w, reg(ebpf.R0), x86.RAX)
	default: // fetch or, and, xor: compare-and-swap until no one came between
		m = g.offRAX(m)
		s := reg(ins.Src)
		t := g.borrowFuelReg()
		loop := a.NewLabel()
		a.MovRM(w, x86.RAX, m)
		a.Bind(loop)
		a.MovRR(x86.W64, t, x86.RAX)
		a.ALURR(op, w, t, s)
		a.LockCmpxchg(w, m, t)
		a.Jcc(x86.NE, loop)
		a.MovRR(w, s, x86.RAX)
		a.MovRM(x86.W64, fuelReg, ctx(offTmp))
	}
}

// offRAX moves an [RAX] operand to [RDX], for CMPXCHG, which needs RAX.
func (g *gen) offRAX(m x86.Mem) x86.Mem {
	if m.Base != x86.RAX {
		return m
	}
	g.a.MovRR(x86.W64, x86.RDX, x86.RAX)
	return x86.Mem{Base: x86.RDX}
}

// plainOp is atomicOp without atomicity, for a misaligned host address:
// RDX holds the old value.
func (g *gen) plainOp(ins ebpf.Instruction, w x86.Width, m x86.Mem) {
	a := &g.a
	aop := ebpf.AtomicOp(ins.Imm)
	op, fetch := aluOf(aop)
	if !fetch {
		a.ALUMR(op, w, m, g.read(ins.Src, x86.RDX))
		return
	}
	s := reg(ins.Src)
	a.MovRM(w, x86.RDX, m)
	switch aop {
	case ebpf.AtomicXchg:
		a.MovMR(w, m, s)
		a.MovRR(w, s, x86.RDX)
	case ebpf.AtomicCmpXchg:
		r0 := reg(ebpf.R0)
		differ := a.NewLabel()
		a.ALURR(x86.Cmp, w, x86.RDX, r0)
		a.JccShort(x86.NE, differ)
		a.MovMR(w, m, s)
		a.Bind(differ)
		a.MovRR(w, r0, x86.RDX)
	default:
		a.ALUMR(op, w, m, s)
		a.MovRR(w, s, x86.RDX)
	}
}

// aluOf is the arithmetic of an atomic operation and whether it fetches.
func aluOf(aop ebpf.AtomicOp) (x86.ALUOp, bool) {
	fetch := aop&ebpf.AtomicFetch != 0
	switch aop &^ ebpf.AtomicFetch {
	case ebpf.AtomicOr:
		return x86.Or, fetch
	case ebpf.AtomicAnd:
		return x86.And, fetch
	case ebpf.AtomicXor:
		return x86.Xor, fetch
	}
	return x86.Add, fetch // add; xchg and cmpxchg do not use it
}
