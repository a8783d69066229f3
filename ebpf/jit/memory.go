package jit

// Loads and stores (RFC 9669 §5.1-5.2) over interp's address space
// (interp/memory.go): the same addresses, the same faults.
//
// The general path translates and checks with RAX and RDX. Inline, the
// address is first checked against the hot window alone (hot.go: four
// instructions); steps 2-5 run out of line, for addresses outside it:
//
//  1. RAX = base + offset, the program's address;
//  2. RDX = RAX >> 32, the window; 16 or above faults;
//  3. RDX <<= 7 indexes machine.table; RAX = the low 32 bits, the offset o;
//  4. o < lo faults (the stack below the current frame); o > lim faults,
//     lim being size-n for this access size and kind, -1 for a store into
//     a read-only region (machine.go, window);
//  5. RAX += base: the host address, which the load or store uses.
//
// A fault jumps to a stub that records the instruction and exits; Go
// rebuilds the address from the registers and words the error as interp
// does. The fast path: an access through r10 at an offset inside the
// current frame (-512 <= off, off+n <= 0), what compilers emit for locals,
// cannot fault whatever the call depth, so it is one instruction on
// [RBP+off], RBP holding r10 as a host address. Through r10 at other
// offsets (the caller's frames, above the stack) it takes the general path.

import (
	"github.com/deepsys/deepsys/ebpf"
	x86 "github.com/deepsys/deepsys/internal/amd64"
)

// inFrame reports whether n bytes at r10+off lie in the current frame.
func inFrame(base uint8, off int16, n int) bool {
	return base == ebpf.R10 && off >= -ebpf.StackSize && int(off)+n <= 0
}

// address emits step 1: RAX = the program address base+off.
func (g *gen) address(base uint8, off int16) {
	g.a.Lea(x86.W64, x86.RAX, x86.Mem{Base: g.read(base, x86.RAX), Disp: int32(off)})
}

// translate emits the check of n bytes at the address in RAX and leaves
// their host address in RAX: the hot window's check inline (hot.go), and
// out of line, where it fails, steps 2-5 (translateAny), which fault at
// instruction pc.
func (g *gen) translate(pc, n int, store bool) x86.Mem {
	a := &g.a
	slow, join := a.NewLabel(), a.NewLabel()
	a.ALURM(x86.Sub, x86.W64, x86.RAX, ctx(offHotLo))
	a.ALURM(x86.Cmp, x86.W64, x86.RAX, ctx(offHotLim+8*limIndex(n, store)))
	a.Jcc(x86.AE, slow)
	a.ALURM(x86.Add, x86.W64, x86.RAX, ctx(offHotBase))
	a.Bind(join)
	g.slow = append(g.slow, slowPath{slow, join, pc, n, store})
	return x86.Mem{Base: x86.RAX}
}

// translateAny emits steps 2-5 for n bytes at the address in RAX; a fault
// exits at instruction pc.
func (g *gen) translateAny(pc, n int, store bool) {
	a := &g.a
	fault := g.stub(pc, exitMemory)
	a.MovRR(x86.W64, x86.RDX, x86.RAX)
	a.ShiftRI(x86.Shr, x86.W64, x86.RDX, 32)
	a.ALURI(x86.Cmp, x86.W32, x86.RDX, int32(numWindows))
	a.Jcc(x86.AE, fault)
	a.ShiftRI(x86.Shl, x86.W32, x86.RDX, windowShift)
	a.MovRR(x86.W32, x86.RAX, x86.RAX)
	a.ALURM(x86.Cmp, x86.W64, x86.RAX, windowField(offWinLo))
	a.Jcc(x86.B, fault)
	a.ALURM(x86.Cmp, x86.W64, x86.RAX, windowField(offWinLim+8*limIndex(n, store)))
	a.Jcc(x86.G, fault)
	a.ALURM(x86.Add, x86.W64, x86.RAX, windowField(offWinBase))
}

// windowField is a field of machine.table[RDX >> windowShift].
func windowField(off int32) x86.Mem {
	return x86.Mem{Base: ctxReg, Index: x86.RDX, Scale: 1, Disp: offTable + off}
}

// operand is the memory operand of an access of n bytes at base+off.
func (g *gen) operand(pc int, base uint8, off int16, n int, store bool) x86.Mem {
	if inFrame(base, off, n) {
		return x86.Mem{Base: x86.RBP, Disp: int32(off)}
	}
	g.address(base, off)
	return g.translate(pc, n, store)
}

var widths = map[ebpf.Size]x86.Width{ebpf.SizeB: x86.W8, ebpf.SizeH: x86.W16, ebpf.SizeW: x86.W32, ebpf.SizeDW: x86.W64}

// load emits LDX (MEM and MEMSX) instruction pc.
func (g *gen) load(pc int, ins ebpf.Instruction) {
	a := &g.a
	w := widths[ins.Size()]
	m := g.operand(pc, ins.Src, ins.Offset, int(w), false)
	d := reg(ins.Dst)
	switch {
	case ins.Mode() == ebpf.ModeMEMSX:
		a.MovsxRM(w, x86.W64, d, m)
	case w == x86.W8 || w == x86.W16:
		a.MovzxRM(w, d, m)
	default: // a 32-bit load zero-extends
		a.MovRM(w, d, m)
	}
}

// store emits ST and STX (MEM) instruction pc.
func (g *gen) store(pc int, ins ebpf.Instruction) {
	a := &g.a
	w := widths[ins.Size()]
	m := g.operand(pc, ins.Dst, ins.Offset, int(w), true)
	if ins.Class() == ebpf.ClassST {
		imm := ins.Imm
		switch w {
		case x86.W8:
			imm = int32(int8(imm))
		case x86.W16:
			imm = int32(int16(imm))
		}
		a.MovMI(w, m, imm) // at W64, sign-extended as RFC 9669 says
		return
	}
	a.MovMR(w, m, g.read(ins.Src, x86.RDX))
}
