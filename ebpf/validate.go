package ebpf

// Static validation: the checks every consumer of bytecode (interpreter,
// JIT, verifier) relies on before it looks at a single value. It is not the
// verifier: it proves nothing about registers or memory, only that each
// instruction is one RFC 9669 defines and that control stays inside the
// program.
//
//  1. The program is not empty and has at most MaxSlots slots.
//  2. Each opcode is defined (RFC 9669 §4, §5), including version 4:
//     sdiv/smod (offset 1), movsx (offset 8/16/32 in ALU64, 8/16 in ALU),
//     memsx loads, bswap (ALU64 END), gotol (JMP32 JA with imm), the atomic
//     operations of §5.3, and the legacy packet loads of §5.5.
//  3. Fields an instruction does not use are zero (§3: "Unused fields shall
//     be cleared to zero"); offset and imm hold only the values their
//     operation defines.
//  4. Registers exist (r0-r10), and r10, the frame pointer, is never
//     written: not as an ALU or load destination, not as the register an
//     atomic fetch overwrites.
//  5. lddw carries a plain constant (src 0). The other pseudo sources of
//     §5.4 (map fd, map value, variable, code address, map index) name
//     objects outside the bytecode: the ELF loader resolves them into
//     constants before validation. Calls are to helpers (src 0) or to local
//     functions (src 1); calls by BTF id (src 2) need the kernel.
//  6. Every branch lands on an instruction of the program, never on the
//     second slot of an lddw (§3.2); "ja -1" (a jump to itself) is rejected
//     as the infinite loop it is.
//  7. Functions: instruction 0 and each local-call target start one. As in
//     the kernel's check_subprogs, a jump stays inside its function and the
//     last instruction of each function is exit or an unconditional jump,
//     so execution can never run off the end of a function or the program.
//
// Rejected here although the kernel accepts them: lddw with pseudo sources
// 1-6 and calls by BTF id (step 5: they name objects outside the bytecode).
// Accepted here although the kernel's verifier rejects them: shift
// immediates >= the width or negative (RFC 9669 §4.1 defines them by
// masking, and the conformance suite expects that), division by a zero
// immediate (defined as 0), legacy packet loads in a program with local
// calls. Everything the verifier proves about values is its business, not
// this file's.

import (
	"errors"
	"fmt"
	"slices"
)

// MaxSlots is the longest program Validate accepts, in slots: the kernel's
// limit for privileged loads (BPF_COMPLEXITY_LIMIT_INSNS).
const MaxSlots = 1_000_000

// InvalidError says which instruction is not valid and why. Index and Slot
// are -1 when the fault is the program's as a whole (it is empty or too
// long).
type InvalidError struct {
	Index  int // position in the []Instruction
	Slot   int // position in the bytecode, in 8-byte slots
	Reason string
}

func (e *InvalidError) Error() string {
	if e.Index < 0 {
		return "ebpf: invalid program: " + e.Reason
	}
	return fmt.Sprintf("ebpf: invalid instruction %d (slot %d): %s", e.Index, e.Slot, e.Reason)
}

// Validate checks insns as described at the top of this file and returns an
// *InvalidError naming the first instruction at fault.
func Validate(insns []Instruction) error {
	if len(insns) == 0 {
		return &InvalidError{-1, -1, "empty program: it needs at least an exit"}
	}
	p := NewProgram(insns)
	if p.NumSlots() > MaxSlots {
		return &InvalidError{-1, -1, fmt.Sprintf("%d slots, more than the limit of %d", p.NumSlots(), MaxSlots)}
	}
	for i, ins := range insns {
		if why := checkInstruction(ins); why != "" {
			return p.invalid(i, "%s: %s", OpcodeName(ins.Opcode), why)
		}
	}
	return checkControlFlow(p)
}

func (p *Program) invalid(i int, format string, args ...any) *InvalidError {
	return &InvalidError{Index: i, Slot: p.Slot(i), Reason: fmt.Sprintf(format, args...)}
}

// checkInstruction returns why ins is not a defined instruction, or "".
func checkInstruction(ins Instruction) string {
	switch ins.Class() {
	case ClassALU, ClassALU64:
		return checkALU(ins)
	case ClassJMP, ClassJMP32:
		return checkJump(ins)
	case ClassLD:
		return checkLD(ins)
	case ClassLDX:
		return checkLDX(ins)
	case ClassST:
		return checkST(ins)
	}
	return checkSTX(ins)
}

// checkControlFlow applies steps 6 and 7.
func checkControlFlow(p *Program) error {
	var jumps [][2]int // {branch, target}
	starts := []int{0}
	for i, ins := range p.Insns {
		if _, ok := ins.BranchOffset(); !ok {
			continue
		}
		t, err := p.Target(i)
		if err != nil {
			return p.invalid(i, "%s: %v", OpcodeName(ins.Opcode), err)
		}
		if t == i && ins.IsUnconditionalJump() {
			return p.invalid(i, "%s: jumps to itself, an infinite loop", OpcodeName(ins.Opcode))
		}
		if ins.IsLocalCall() {
			starts = append(starts, t)
			continue
		}
		jumps = append(jumps, [2]int{i, t})
	}
	slices.Sort(starts)
	return checkFunctions(p, slices.Compact(starts), jumps)
}

// checkFunctions applies step 7 to the functions beginning at starts.
func checkFunctions(p *Program, starts []int, jumps [][2]int) error {
	fn := make([]int, len(p.Insns)) // fn[i]: start of the function holding i
	for k, s := range starts {
		end := len(p.Insns)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		for i := s; i < end; i++ {
			fn[i] = s
		}
		if last := p.Insns[end-1]; !last.IsExit() && !last.IsUnconditionalJump() {
			return p.invalid(end-1, "%s: last instruction of the function at instruction %d is not exit or ja: execution would run off its end", OpcodeName(last.Opcode), s)
		}
	}
	for _, j := range jumps {
		if i, t := j[0], j[1]; fn[t] != fn[i] {
			return p.invalid(i, "%s: jumps from the function at instruction %d into the function at instruction %d", OpcodeName(p.Insns[i].Opcode), fn[i], fn[t])
		}
	}
	return nil
}

// CheckInstruction says why ins, on its own, is not an instruction RFC 9669
// defines (steps 2-5), or returns nil. It does not look at control flow.
func CheckInstruction(ins Instruction) error {
	if r := checkInstruction(ins); r != "" {
		return errors.New(r)
	}
	return nil
}
