package verifier

// Register liveness, computed once before the walk, so that pruning
// compares only the registers a later instruction may still read (what
// the kernel's liveness marks give it, REG_LIVE_READ, found statically
// here).
//
//  1. Each instruction reads some registers (uses) and writes others
//     (defs): an ALU op reads its operands and writes dst, a load reads
//     its base and writes dst, a store reads both, a jump its operands,
//     exit r0, a call r1-r5 (all five: the prototype may take fewer) and
//     writes r0-r5 (the result and the caller-saved registers).
//  2. live-in(i) = uses(i) | (live-out(i) &^ defs(i)), live-out(i) the
//     union of its successors' live-in, iterated backwards to a fixpoint
//     over each function's control-flow graph. A local call's successor
//     is the instruction after it (r6-r9 pass through the call).
//  3. A register not live at an instruction is written before it is read
//     on every path from there, so its value there cannot matter: an
//     old state subsumes a new one whatever their dead registers hold.
//     For an outer frame, the registers live after its call instruction,
//     less r0-r5 (the callee's return overwrites them), are what count.

import "github.com/deepsys/deepsys/ebpf"

// Stack read marks (the kernel's mark_reg_read on stack slots): which
// slots of a checkpoint's stack a later instruction may read, found
// during the walk since stack addresses are values.
//
//  4. A path's state keeps the slots written whole (8 aligned bytes) since
//     its latest checkpoint; a new frame's slots count as written (no
//     earlier checkpoint saw this frame's contents).
//  5. A read of a slot that is not written in the current segment marks
//     it read in the latest checkpoint, and on up the chain of
//     checkpoints until one whose own segment wrote it (the read saw that
//     write, not anything older) or one that already has the mark.
//  6. A checkpoint is only used for pruning once every path from it is
//     done, so its marks are final then: a slot no path read cannot
//     matter, and stackSafe skips it.

// markRead is step 5 for bytes [lo, hi) of frame k.
func markRead(s *state, k, lo, hi int) {
	for sl := (lo + ebpf.StackSize) / 8; sl <= (hi-1+ebpf.StackSize)/8 && sl < slots; sl++ {
		if sl < 0 {
			continue
		}
		bitS := uint64(1) << sl
		if s.written[k]&bitS != 0 {
			continue
		}
		for c := s.parent; c != nil; c = c.parent {
			if k >= len(c.st.frames) || c.st.read[k]&bitS != 0 {
				break
			}
			c.st.read[k] |= bitS
			if c.st.written[k]&bitS != 0 {
				break
			}
		}
	}
}

// markWritten is step 4 for an 8-byte write at off of frame k.
func markWritten(s *state, k, off int) {
	s.written[k] |= uint64(1) << ((off + ebpf.StackSize) / 8)
}

type regSet uint16

const r0to5 regSet = 0x3f

func bit(r uint8) regSet { return 1 << r }

// usesDefs is step 1 for one instruction.
func usesDefs(ins ebpf.Instruction) (use, def regSet) {
	x := ins.Source() == ebpf.SourceX
	switch c := ins.Class(); {
	case c.IsALU():
		op := ins.ALUOp()
		if op != ebpf.ALUMov {
			use |= bit(ins.Dst)
		}
		if x && op != ebpf.ALUNeg && op != ebpf.ALUEnd {
			use |= bit(ins.Src)
		}
		return use, bit(ins.Dst)
	case c == ebpf.ClassLDX:
		return bit(ins.Src), bit(ins.Dst)
	case c == ebpf.ClassST:
		return bit(ins.Dst), 0
	case c == ebpf.ClassSTX:
		use = bit(ins.Dst) | bit(ins.Src)
		if ins.Mode() == ebpf.ModeATOMIC {
			op := ebpf.AtomicOp(ins.Imm)
			if op == ebpf.AtomicCmpXchg {
				return use | bit(ebpf.R0), bit(ebpf.R0)
			}
			if op&ebpf.AtomicFetch != 0 {
				def = bit(ins.Src)
			}
		}
		return use, def
	case c == ebpf.ClassLD:
		switch ins.Mode() {
		case ebpf.ModeABS:
			return bit(ebpf.R6), r0to5
		case ebpf.ModeIND:
			return bit(ebpf.R6) | bit(ins.Src), r0to5
		}
		return 0, bit(ins.Dst)
	}
	switch ins.JumpOp() {
	case ebpf.JumpExit:
		return bit(ebpf.R0), 0
	case ebpf.JumpCall:
		return r0to5 &^ bit(ebpf.R0), r0to5
	case ebpf.JumpA:
		return 0, 0
	}
	use = bit(ins.Dst)
	if x {
		use |= bit(ins.Src)
	}
	return use, 0
}

// computeLiveness is step 2.
func (e *env) computeLiveness() {
	n := len(e.insns)
	e.live = make([]regSet, n)
	uses, defs := make([]regSet, n), make([]regSet, n)
	for i, ins := range e.insns {
		uses[i], defs[i] = usesDefs(ins)
	}
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			var out regSet
			for _, s := range e.successors(i) {
				out |= e.live[s]
			}
			in := uses[i] | out&^defs[i]
			if in != e.live[i] {
				e.live[i], changed = in, true
			}
		}
	}
}

// successors are the instructions control may go to from i within its
// function.
func (e *env) successors(i int) []int {
	ins := e.insns[i]
	switch {
	case ins.IsExit():
		return nil
	case ins.Class().IsJump() && ins.JumpOp() == ebpf.JumpCall:
		return []int{i + 1}
	case ins.IsUnconditionalJump():
		t, _ := e.prog.Target(i)
		return []int{t}
	case ins.Class().IsJump():
		t, _ := e.prog.Target(i)
		return []int{i + 1, t}
	}
	return []int{i + 1}
}

// liveIn is step 3: the registers of frame k of s that matter.
func (e *env) liveIn(s *state, k int) regSet {
	if e.live == nil {
		return ^regSet(0)
	}
	if k == len(s.frames)-1 {
		return e.live[s.insn]
	}
	ret := s.frames[k+1].callsite + 1
	return e.live[ret] &^ r0to5
}
