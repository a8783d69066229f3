package verifier

// The control-flow graph, before any value is looked at (the kernel's
// check_cfg and check_subprogs):
//
//  1. Every instruction must be reachable from instruction 0 along some
//     edge (fall-through, jump, call), whatever the values: dead code is
//     refused ("unreachable insn N", with N in slots as the kernel counts).
//  2. Prune points, where the walk compares states (prune.go), are where
//     the kernel marks them (visit_insn, mark_prune_point, and push_insn
//     for every BRANCH edge): conditional jumps themselves and their
//     targets, the targets of goto, the instructions after calls, and
//     bpf-to-bpf calls themselves and their callees' entries. Matching the kernel here matters
//     beyond speed: where the kernel's rules are not monotone (a narrow
//     read of a spilled pointer is refused at a fixed offset, allowed at
//     a variable one), which states get pruned decides the verdict.
//  3. Each instruction belongs to the function starting at the closest
//     call target at or before it (Validate has checked that jumps stay
//     inside a function).

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

func (e *env) checkCFG() error {
	n := len(e.insns)
	e.prune = make([]bool, n)
	e.fnOf = make([]int, n)
	seen := make([]bool, n)
	work := []int{0}
	seen[0] = true
	starts := map[int]bool{0: true}
	visit := func(t int) {
		if !seen[t] {
			seen[t] = true
			work = append(work, t)
		}
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		ins := e.insns[i]
		switch {
		case ins.IsExit():
			continue
		case ins.IsLocalCall():
			t, _ := e.prog.Target(i)
			starts[t] = true
			visit(t)
			e.markPrune(t)
			e.markPrune(i)
			e.markPrune(i + 1)
			visit(i + 1)
		case ins.Class().IsJump() && ins.JumpOp() == ebpf.JumpCall:
			e.markPrune(i + 1)
			visit(i + 1)
		case ins.IsUnconditionalJump():
			t, _ := e.prog.Target(i)
			e.markPrune(t)
			visit(t)
		case ins.Class().IsJump():
			t, _ := e.prog.Target(i)
			e.markPrune(i)
			e.markPrune(t) // push_insn marks a BRANCH edge's target
			visit(t)
			visit(i + 1)
		default:
			visit(i + 1)
		}
	}
	for i := range seen {
		if !seen[i] && e.opts.fragment == nil {
			return e.rejectAt(i, fmtUnreachable(e.prog.Slot(i)), nil)
		}
	}
	fn := 0
	for i := range n {
		if starts[i] {
			fn = i
		}
		e.fnOf[i] = fn
	}
	return nil
}

func (e *env) markPrune(i int) {
	if i < len(e.prune) {
		e.prune[i] = true
	}
}

func fmtUnreachable(slot int) string { return fmt.Sprintf("unreachable insn %d", slot) }
