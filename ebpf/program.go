package ebpf

// Instruction indexes and slots.
//
// A decoded program is a []Instruction, one element per instruction, but
// the bytecode counts 8-byte slots: lddw takes two, everything else one
// (RFC 9669 §3.2, "wide instruction encoding"). Jump and call offsets are
// slot counts relative to the slot after the branch (RFC 9669 §4.3: "PC +=
// offset", where PC has already moved past the branch). Program keeps both
// numberings:
//
//  1. slot[i] is the first slot of instruction i, and slot[n] the total;
//  2. index[s] is the instruction that starts at slot s, or -1 when s is
//     the second half of an lddw, which no branch may land in;
//  3. Target(i) applies the branch rule to instruction i and answers with
//     an instruction index, so consumers (Validate, the interpreter, the
//     JIT) never do slot arithmetic themselves.

import "fmt"

// Program is a decoded instruction sequence with its slot numbering.
type Program struct {
	Insns []Instruction
	slot  []int // slot[i]: first slot of Insns[i]; slot[len(Insns)]: total slots
	index []int // index[s]: instruction starting at slot s, or -1 inside an lddw
}

// NewProgram numbers the slots of insns.
func NewProgram(insns []Instruction) *Program {
	p := &Program{Insns: insns, slot: make([]int, len(insns)+1)}
	for i, ins := range insns {
		p.slot[i+1] = p.slot[i] + ins.Slots()
	}
	p.index = make([]int, p.slot[len(insns)])
	for i, ins := range insns {
		p.index[p.slot[i]] = i
		if ins.Slots() == 2 {
			p.index[p.slot[i]+1] = -1
		}
	}
	return p
}

// NumSlots is the length of the program in 8-byte slots.
func (p *Program) NumSlots() int { return p.slot[len(p.Insns)] }

// Slot is the first slot of instruction i.
func (p *Program) Slot(i int) int { return p.slot[i] }

// Index is the instruction that starts at slot s; ok is false when s is
// outside the program or the second slot of an lddw.
func (p *Program) Index(s int) (i int, ok bool) {
	if s < 0 || s >= len(p.index) || p.index[s] < 0 {
		return 0, false
	}
	return p.index[s], true
}

// Target is the instruction a branch (jump or local call) at instruction i
// goes to. It fails, saying why, when the branch lands outside the program
// or inside an lddw; it panics if Insns[i] does not branch (a caller bug).
func (p *Program) Target(i int) (int, error) {
	delta, ok := p.Insns[i].BranchOffset()
	if !ok {
		panic(fmt.Sprintf("BUG: ebpf: Target(%d) of an instruction that does not branch", i))
	}
	s := int64(p.slot[i]) + 1 + delta
	if s < 0 || s >= int64(p.NumSlots()) {
		return 0, fmt.Errorf("target slot %d is outside the program (slots 0-%d)", s, p.NumSlots()-1)
	}
	t, ok := p.Index(int(s))
	if !ok {
		return 0, fmt.Errorf("target slot %d is the second slot of the lddw at slot %d", s, s-1)
	}
	return t, nil
}

// BranchOffset is the slot offset of a jump or a local call: the offset
// field for JMP-class jumps and every conditional jump, imm for the JMP32
// "gotol" and for calls with src 1 (RFC 9669 §4.3, §4.3.2). ok is false for
// every other instruction, exit and helper calls included.
func (ins Instruction) BranchOffset() (delta int64, ok bool) {
	if !ins.Class().IsJump() {
		return 0, false
	}
	switch ins.JumpOp() {
	case JumpExit:
		return 0, false
	case JumpCall:
		if ins.Src != PseudoCallLocal {
			return 0, false
		}
		return int64(ins.Imm), true
	case JumpA:
		if ins.Class() == ClassJMP32 {
			return int64(ins.Imm), true
		}
	}
	return int64(ins.Offset), true
}

// IsLocalCall reports whether ins calls a function of the same program.
func (ins Instruction) IsLocalCall() bool {
	return ins.Opcode == uint8(ClassJMP)|uint8(JumpCall) && ins.Src == PseudoCallLocal
}

// IsExit reports whether ins is exit.
func (ins Instruction) IsExit() bool {
	return ins.Opcode == uint8(ClassJMP)|uint8(JumpExit)
}

// IsUnconditionalJump reports whether ins is "goto" (JMP) or "gotol" (JMP32).
func (ins Instruction) IsUnconditionalJump() bool {
	return ins.Class().IsJump() && ins.JumpOp() == JumpA
}
