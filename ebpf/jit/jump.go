package jit

// Control flow: jumps, exit, local calls and helper calls (RFC 9669 §4.3).
//
//   - A conditional jump is CMP (TEST for jset) and Jcc to the target's
//     label; eBPF's unsigned and signed comparisons are x86's below/above
//     and less/greater conditions, JMP32 compares the 32-bit registers.
//   - Local calls do not use CALL and RET: the return address and the
//     caller's r6-r9 go into machine.frames[depth], r10 (RBP) moves down
//     512 bytes, the stack window's lo follows it (interp's calls.go), and
//     exit in a callee jumps back through the saved address. The native
//     stack stays as the entry left it, so any exit to Go (a helper, the
//     fuel) can return from the middle of a call chain and re-enter: the
//     whole chain is in the machine, none of it on a goroutine stack.
//     (CALL/RET would push up to 8 return addresses there, and re-entering
//     after a helper would need them rebuilt.)
//   - A helper call is an exit to Go with the helper's slot; Go calls it
//     with r1-r5 and an interp.Env, stores r0 and re-enters after the call.

import (
	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	x86 "github.com/deepsys/deepsys/internal/amd64"
)

var conditions = map[ebpf.JumpOp]x86.Cond{
	ebpf.JumpEq: x86.E, ebpf.JumpNE: x86.NE, ebpf.JumpSet: x86.NE,
	ebpf.JumpGT: x86.A, ebpf.JumpGE: x86.AE, ebpf.JumpLT: x86.B, ebpf.JumpLE: x86.BE,
	ebpf.JumpSGT: x86.G, ebpf.JumpSGE: x86.GE, ebpf.JumpSLT: x86.L, ebpf.JumpSLE: x86.LE,
}

// jump emits JMP or JMP32 instruction i.
func (g *gen) jump(i int, ins ebpf.Instruction) {
	a := &g.a
	switch ins.JumpOp() {
	case ebpf.JumpA:
		a.Jmp(g.target(i))
		return
	case ebpf.JumpExit:
		g.exitInsn(i)
		return
	case ebpf.JumpCall:
		if ins.IsLocalCall() {
			g.localCall(i)
		} else {
			g.helperCall(i)
		}
		return
	}
	w := width(ins.Class())
	d := g.read(ins.Dst, x86.RAX)
	set := ins.JumpOp() == ebpf.JumpSet
	switch {
	case ins.Source() == ebpf.SourceK && set:
		a.TestRI(w, d, ins.Imm)
	case ins.Source() == ebpf.SourceK && ins.Imm == 0: // the same flags as cmp d, 0, shorter
		a.TestRR(w, d, d)
	case ins.Source() == ebpf.SourceK:
		a.ALURI(x86.Cmp, w, d, ins.Imm)
	case set:
		a.TestRR(w, d, g.read(ins.Src, x86.RDX))
	default:
		a.ALURR(x86.Cmp, w, d, g.read(ins.Src, x86.RDX))
	}
	a.Jcc(conditions[ins.JumpOp()], g.target(i))
}

// target is the label of the instruction branch i goes to.
func (g *gen) target(i int) x86.Label {
	t, err := g.layout.Target(i)
	if err != nil {
		panic("BUG: jit: a validated branch has no target: " + err.Error())
	}
	return g.labels[t]
}

// exitInsn: in the main program, leave with r0; in a callee, pop the frame
// (interp's calls.go, step 4).
func (g *gen) exitInsn(i int) {
	a := &g.a
	if !g.calls {
		g.exitTo(i, exitDone)
		return
	}
	main := a.NewLabel()
	a.MovRM(x86.W64, x86.RAX, ctx(offDepth))
	a.TestRR(x86.W64, x86.RAX, x86.RAX)
	a.Jcc(x86.E, main)
	a.ALURI(x86.Sub, x86.W64, x86.RAX, 1)
	a.MovMR(x86.W64, ctx(offDepth), x86.RAX)
	a.ShiftRI(x86.Shl, x86.W64, x86.RAX, frameShift)
	for k, r := range regs[ebpf.R6:ebpf.R10] {
		a.MovRM(x86.W64, r, frameField(offFrameR6+8*int32(k)))
	}
	a.ALURI(x86.Add, x86.W64, x86.RBP, ebpf.StackSize)
	a.ALUMI(x86.Add, x86.W64, stackLo, ebpf.StackSize)
	a.MovRM(x86.W64, x86.RAX, frameField(offFrameRet))
	a.JmpReg(x86.RAX)
	a.Bind(main)
	g.exitTo(i, exitDone)
}

// frameField is a field of machine.frames[RAX >> frameShift].
func frameField(off int32) x86.Mem {
	return x86.Mem{Base: ctxReg, Index: x86.RAX, Scale: 1, Disp: offFrames + off}
}

// stackLo is the stack window's lo: the bottom of the current frame.
var stackLo = ctx(offTable + 1<<windowShift + offWinLo)

// localCall: check the depth, save the return address and r6-r9, move to
// the callee's frame (interp's calls.go, steps 1-3).
func (g *gen) localCall(i int) {
	a := &g.a
	a.MovRM(x86.W64, x86.RAX, ctx(offDepth))
	a.ALURI(x86.Cmp, x86.W64, x86.RAX, interp.MaxFrames-1)
	a.Jcc(x86.AE, g.stub(i, exitDepth))
	a.Lea(x86.W64, x86.RDX, x86.Mem{Base: x86.RAX, Disp: 1})
	a.MovMR(x86.W64, ctx(offDepth), x86.RDX)
	deeper := a.NewLabel()
	a.ALURM(x86.Cmp, x86.W64, x86.RDX, ctx(offDeepest))
	a.JccShort(x86.BE, deeper)
	a.MovMR(x86.W64, ctx(offDeepest), x86.RDX)
	a.Bind(deeper)
	a.ShiftRI(x86.Shl, x86.W64, x86.RAX, frameShift)
	for k, r := range regs[ebpf.R6:ebpf.R10] {
		a.MovMR(x86.W64, frameField(offFrameR6+8*int32(k)), r)
	}
	a.Lea(x86.W64, x86.RDX, x86.RIPLabel(g.labels[i+1]))
	a.MovMR(x86.W64, frameField(offFrameRet), x86.RDX)
	a.ALURI(x86.Sub, x86.W64, x86.RBP, ebpf.StackSize)
	a.ALUMI(x86.Sub, x86.W64, stackLo, ebpf.StackSize)
	a.Jmp(g.target(i))
}

// helperCall leaves to Go, which calls the helper and resumes at i+1 (a
// leader: its charge runs after the helper).
func (g *gen) helperCall(i int) {
	a := &g.a
	a.MovMI(x86.W64, ctx(offExitArg), int32(g.helpers[i]))
	a.Lea(x86.W64, x86.RAX, x86.RIPLabel(g.labels[i+1]))
	a.MovMR(x86.W64, ctx(offResume), x86.RAX)
	g.exitTo(i, exitHelper)
}
