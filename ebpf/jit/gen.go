package jit

// The generator's frame: register map, labels, segments, the entry and
// the common exit, out-of-line stubs.
//
// Code layout:
//
//	entry        push RBP, R12-R15; load r0-r10 and the fuel from the
//	             machine; jump to machine.resume
//	exitCommon   store r0-r10 and the fuel; pop; return EAX (the exit reason)
//	program      instruction 0 onward; each segment starts with its charge
//	stubs        fault and fuel exits, out of line: each records its
//	             instruction and reason and jumps to exitCommon

import (
	"github.com/deepsys/deepsys/ebpf"
	x86 "github.com/deepsys/deepsys/internal/amd64"
)

// regs maps eBPF r0-r10 to x86 registers. RDI (the machine), R12 (the
// fuel) and the scratch pair RAX, RDX are left out: RAX and RDX are what
// DIV, MUL and CMPXCHG use implicitly, so keeping them out of the map means
// division never saves a program register. RCX is needed only by shifts
// by a register, which swap it through RAX. r10 lives in RBP as a host
// address (see read).
var regs = [ebpf.NumRegisters]x86.Reg{x86.RBX, x86.RSI, x86.RCX, x86.R8, x86.R9, x86.R10, x86.R11, x86.R13, x86.R14, x86.R15, x86.RBP}

const (
	ctxReg  = x86.RDI // the *machine, from execmem's calling convention
	fuelReg = x86.R12
)

// savedRegs are what the entry pushes: what execmem says generated code
// must preserve (RSP aside). 40 bytes of the MaxStackBytes.
var savedRegs = []x86.Reg{x86.RBP, x86.R12, x86.R13, x86.R14, x86.R15}

// Exit reasons, returned in EAX.
const (
	exitDone       = iota + 1 // exit of the main program: r0 is the result
	exitFuel                  // the fuel ran short before the segment at exitPC
	exitHelper                // call helper slot exitArg at exitPC, then resume
	exitMemory                // the access of instruction exitPC is outside every region
	exitMisaligned            // the atomic operation of exitPC is misaligned
	exitDepth                 // the local call at exitPC is one too many
	exitPacket                // a legacy load left the packet: the program returns 0
)

type gen struct {
	a       x86.Assembler
	insns   []ebpf.Instruction
	layout  *ebpf.Program
	helpers []int // helper slot of each helper call, by instruction
	calls   bool  // the program has local calls

	labels  []x86.Label // labels[i]: instruction i (at a leader, its charge)
	segLen  []int       // at a leader, the instructions of its segment; else 0
	offsets []int       // offsets[i]: code offset of instruction i; offsets[n]: the stubs
	start   int         // code offset of instruction 0
	exit    x86.Label   // exitCommon
	stubs   map[stubKey]x86.Label
	order   []stubKey  // stubs in the order made, for a stable layout
	slow    []slowPath // checked accesses outside the hot window (hot.go)
}

type stubKey struct{ pc, reason int }

func ctx(off int32) x86.Mem { return x86.Mem{Base: ctxReg, Disp: off} }

// reg is the x86 register of eBPF register r, which must not be r10.
func reg(r uint8) x86.Reg {
	if r == ebpf.R10 {
		panic("BUG: jit: r10 used as a plain register")
	}
	return regs[r]
}

// read returns a register holding the value of eBPF register r: its own,
// or for r10, scratch loaded with the frame pointer as the program sees it
// (an address of interp's map: host RBP minus machine.bias).
func (g *gen) read(r uint8, scratch x86.Reg) x86.Reg {
	if r != ebpf.R10 {
		return regs[r]
	}
	g.a.MovRR(x86.W64, scratch, x86.RBP)
	g.a.ALURM(x86.Sub, x86.W64, scratch, ctx(offBias))
	return scratch
}

// stub returns the label of an out-of-line exit with reason at
// instruction pc, made once.
func (g *gen) stub(pc, reason int) x86.Label {
	k := stubKey{pc, reason}
	if l, ok := g.stubs[k]; ok {
		return l
	}
	l := g.a.NewLabel()
	g.stubs[k] = l
	g.order = append(g.order, k)
	return l
}

// emitEntry writes the entry and the common exit.
func (g *gen) emitEntry() {
	a := &g.a
	for _, r := range savedRegs {
		a.Push(r)
	}
	for i, r := range regs {
		a.MovRM(x86.W64, r, ctx(offRegs+8*int32(i)))
	}
	a.MovRM(x86.W64, fuelReg, ctx(offFuel))
	a.MovRM(x86.W64, x86.RAX, ctx(offResume))
	a.JmpReg(x86.RAX)

	a.Bind(g.exit)
	for i, r := range regs {
		a.MovMR(x86.W64, ctx(offRegs+8*int32(i)), r)
	}
	a.MovMR(x86.W64, ctx(offFuel), fuelReg)
	for i := len(savedRegs) - 1; i >= 0; i-- {
		a.Pop(savedRegs[i])
	}
	a.Ret()
}

// exitTo records pc and leaves with reason.
func (g *gen) exitTo(pc, reason int) {
	g.a.MovMI(x86.W64, ctx(offExitPC), int32(pc))
	g.a.MovRI(x86.W32, x86.RAX, int64(reason))
	g.a.Jmp(g.exit)
}

// emitStubs writes the out-of-line exits: fuel exits (which give back the
// charge and resume at the segment's charge) and faults.
func (g *gen) emitStubs() {
	a := &g.a
	for _, k := range g.order {
		a.Bind(g.stubs[k])
		switch k.reason {
		case exitFuel:
			a.ALURI(x86.Add, x86.W64, fuelReg, int32(g.segLen[k.pc]))
			a.Lea(x86.W64, x86.RAX, x86.RIPLabel(g.labels[k.pc]))
			a.MovMR(x86.W64, ctx(offResume), x86.RAX)
		case exitPacket:
			a.MovRI(x86.W32, x86.RAX, exitPacket)
			a.Jmp(g.exit)
			continue
		}
		g.exitTo(k.pc, k.reason)
	}
}

// charge starts the segment at leader i: take its length from the fuel,
// or leave to Go if the fuel is short.
func (g *gen) charge(i int) {
	g.a.ALURI(x86.Sub, x86.W64, fuelReg, int32(g.segLen[i]))
	g.a.Jcc(x86.B, g.stub(i, exitFuel))
}
