package jit

// Legacy packet loads, RFC 9669 §5.5, as interp's legacy.go: r0 = the
// big-endian 1, 2 or 4 bytes of the context at offset imm (ABS) or src+imm
// (IND), the offset a signed 32-bit int; outside the packet the program
// ends at once with r0 = 0, from any call depth. The packet is the window
// machine.legacyWin picks: the context's (Run), or RunPacket's packet
// (packet.go), at the cost of one load of legacyWin into RDX.

import (
	"github.com/deepsys/deepsys/ebpf"
	x86 "github.com/deepsys/deepsys/internal/amd64"
)

// The fields of the window legacy loads read: the context's window plus
// machine.legacyWin, which the code loads into RDX first.
var (
	packetBase = legacyField(offWinBase)
	packetLim  = func(n int) x86.Mem { return legacyField(offWinLim + 8*limIndex(n, false)) }
)

func legacyField(off int32) x86.Mem {
	return x86.Mem{Base: ctxReg, Index: x86.RDX, Scale: 1, Disp: offTable + 2<<windowShift + off}
}

func (g *gen) legacyLoad(pc int, ins ebpf.Instruction) {
	a := &g.a
	w := widths[ins.Size()]
	out := g.stub(-1, exitPacket) // one for the program: it needs no pc
	a.MovRM(x86.W64, x86.RDX, ctx(offLegWin))
	if ins.Mode() == ebpf.ModeIND {
		a.MovRR(x86.W32, x86.RAX, g.read(ins.Src, x86.RAX))
		a.ALURI(x86.Add, x86.W32, x86.RAX, ins.Imm)
	} else {
		a.MovRI(x86.W32, x86.RAX, int64(uint32(ins.Imm)))
	}
	a.TestRR(x86.W32, x86.RAX, x86.RAX)
	a.Jcc(x86.S, out) // a negative offset
	a.ALURM(x86.Cmp, x86.W64, x86.RAX, packetLim(int(w)))
	a.Jcc(x86.G, out)
	a.ALURM(x86.Add, x86.W64, x86.RAX, packetBase)
	r0 := reg(ebpf.R0)
	m := x86.Mem{Base: x86.RAX}
	switch w {
	case x86.W8:
		a.MovzxRM(x86.W8, r0, m)
	case x86.W16:
		a.MovzxRM(x86.W16, r0, m)
		a.ShiftRI(x86.Rol, x86.W16, r0, 8)
	default:
		a.MovRM(x86.W32, r0, m)
		a.Bswap(x86.W32, r0)
	}
}
