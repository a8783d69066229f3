package jit

// Segments: where the code charges the budget.
//
// interp charges every instruction before running it and fails with
// ErrBudget at the first one the budget does not cover. Charging once per
// basic block would be cheaper but not exact; the JIT charges once per
// segment and is still exact:
//
//  1. A segment is a run of consecutive instructions that control enters
//     only at its first (a leader: instruction 0, a branch target, the
//     instruction after a branch) and that nothing can stop before its
//     last: every instruction that can end the run early — one that can
//     fault (a checked load or store, an atomic, a local call past the
//     depth limit), a helper call (which can fail), a legacy packet load
//     (which can end the program) — ends its segment, as branches, calls
//     and exit do.
//  2. At its leader a segment takes its length from the fuel (R12) in one
//     "sub r12, len; jb" and leaves to Go if the fuel is short. Go then
//     either hands out more fuel (a slice of the budget at a time, so that
//     a long loop comes back to Go regularly: that is the safepoint of
//     DESIGN.md) and resumes at the same charge, or, with the budget
//     spent, fails with ErrBudget at leader + fuel left.
//  3. Why that is exact: if the fuel f is less than the segment's length,
//     interp would run f instructions of it and fail at the next; none of
//     those f can fault or stop the program (only the last instruction
//     can), so nothing interp would report before ErrBudget is lost, and
//     registers no longer matter after a failure. A segment that runs to
//     its end has executed exactly what it was charged.
//
// Accesses through r10 inside the current frame (memory.go) cannot fault,
// so they do not end segments: a loop over the stack is one segment.

import "github.com/deepsys/deepsys/ebpf"

// segments returns the length of the segment each leader starts, 0 for
// other instructions.
func segments(p *ebpf.Program) []int {
	n := len(p.Insns)
	leader := make([]bool, n+1)
	leader[0], leader[n] = true, true
	for i, ins := range p.Insns {
		if _, ok := ins.BranchOffset(); ok {
			t, err := p.Target(i)
			if err != nil {
				panic("BUG: jit: a validated branch has no target: " + err.Error())
			}
			leader[t] = true
		}
		if endsSegment(ins) {
			leader[i+1] = true
		}
	}
	lens := make([]int, n)
	start := 0
	for i := 1; i <= n; i++ {
		if leader[i] {
			lens[start] = i - start
			start = i
		}
	}
	return lens
}

// endsSegment reports whether ins branches or can stop the run (step 1).
func endsSegment(ins ebpf.Instruction) bool {
	switch c := ins.Class(); {
	case c.IsJump():
		return true
	case c.IsALU() || ins.IsLDDW():
		return false
	case c == ebpf.ClassLD: // legacy packet load
		return true
	case ins.Mode() == ebpf.ModeATOMIC:
		n := ins.Size().Bytes()
		return !inFrame(ins.Dst, ins.Offset, n) || int(ins.Offset)%n != 0
	case c == ebpf.ClassLDX:
		return !inFrame(ins.Src, ins.Offset, ins.Size().Bytes())
	}
	return !inFrame(ins.Dst, ins.Offset, ins.Size().Bytes())
}
