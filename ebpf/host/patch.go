package host

// The patcher: replace instructions with sequences and keep every branch
// pointing at the instruction it pointed at (inline.go, step 4), as the
// kernel's bpf_patch_insn_single and adjust_jmp_off do.
//
//  1. Give every old instruction its new first slot: the slots of what
//     precedes it, sequences counted at their length.
//  2. Copy the program, a sequence in place of each patched instruction;
//     a sequence's own branches are relative to it and stay as written.
//  3. Re-target each copied branch: offset = new slot(old target) -
//     new slot(branch) - 1, in the field it came from (offset, or imm for
//     gotol and local calls); an offset outside the field's range is an
//     error and the caller keeps the unpatched program. A branch to a
//     patched instruction lands on the start of its sequence.
//  4. Record, for each new instruction, the old one it came from, so that
//     errors name the program the user wrote (RunError.Index and .Slot).

import (
	"errors"
	"fmt"
	"math"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
)

// patched is a program with sequences in place of some instructions.
type patched struct {
	insns []ebpf.Instruction
	orig  []int         // orig[i]: the old instruction new instruction i came from
	old   *ebpf.Program // the old program, for its slot numbering
}

// patchInsns replaces insns[k] with seqs[k] for every k in seqs.
func patchInsns(insns []ebpf.Instruction, seqs map[int][]ebpf.Instruction) (*patched, error) {
	old := ebpf.NewProgram(insns)
	newSlot := make([]int, len(insns)+1)
	for i, ins := range insns { // step 1
		n := ins.Slots()
		if seq, ok := seqs[i]; ok {
			n = ebpf.NewProgram(seq).NumSlots()
		}
		newSlot[i+1] = newSlot[i] + n
	}
	p := &patched{old: old}
	for i, ins := range insns { // steps 2-4
		if seq, ok := seqs[i]; ok {
			p.insns = append(p.insns, seq...)
			for range seq {
				p.orig = append(p.orig, i)
			}
			continue
		}
		if _, br := ins.BranchOffset(); br {
			t, err := old.Target(i)
			if err != nil {
				return nil, fmt.Errorf("instruction %d: %w", i, err)
			}
			if ins, err = retarget(ins, newSlot[t]-newSlot[i]-1); err != nil {
				return nil, fmt.Errorf("instruction %d: %w", i, err)
			}
		}
		p.insns = append(p.insns, ins)
		p.orig = append(p.orig, i)
	}
	return p, nil
}

// retarget sets a branch's slot offset in the field BranchOffset reads.
func retarget(ins ebpf.Instruction, delta int) (ebpf.Instruction, error) {
	imm := ins.IsLocalCall() || (ins.Class() == ebpf.ClassJMP32 && ins.JumpOp() == ebpf.JumpA)
	switch {
	case imm && delta >= math.MinInt32 && delta <= math.MaxInt32:
		ins.Imm = int32(delta)
	case !imm && delta >= math.MinInt16 && delta <= math.MaxInt16:
		ins.Offset = int16(delta)
	default:
		return ins, fmt.Errorf("branch offset %d does not fit", delta)
	}
	return ins, nil
}

// origError rewrites err's instruction, if it names one of the patched
// program, into the old program's (step 4).
func (p *patched) origError(err error) error {
	var re *interp.RunError
	if p == nil || !errors.As(err, &re) || re.Index < 0 || re.Index >= len(p.orig) {
		return err
	}
	re.Index = p.orig[re.Index]
	re.Slot = p.old.Slot(re.Index)
	re.Op = ebpf.OpcodeName(p.old.Insns[re.Index].Opcode)
	return err
}
