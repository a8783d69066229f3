package interp

// Predecoding: Compile turns a validated []ebpf.Instruction into []inst
// once, so that Run never decodes.
//
//  1. ebpf.Validate rejects anything RFC 9669 does not define, and proves
//     that every branch lands on an instruction of the program and that no
//     function can run off its end: run needs no pc bounds check of its own
//     beyond Go's.
//  2. Each opcode, with the fields that refine it, maps to one compact op
//     (ops.go): opcodeOps covers the opcodes whose byte alone decides, and
//     refine handles sdiv/smod, movsx, the byte swaps and lddw.
//  3. Branch targets become instruction indexes (ebpf.Program.Target), so
//     a jump is "pc = off" and slots are forgotten; lddw's second slot
//     disappears.
//  4. Helper ids resolve to slots of a []Helper, so a call is an index, not
//     a map lookup; an id missing from Options.Helpers is a compile error
//     naming the instruction, as in uBPF's loader.

import (
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/deepsys/deepsys/ebpf"
)

// DefaultBudget is the number of instructions a Run executes before it
// gives up with ErrBudget, when Options.Budget is zero: about 0.2 s at
// 3 ns per instruction.
const DefaultBudget = 1 << 26

// Helper is a function a program calls with "call imm" (src 0): arguments
// in r1-r5, result in r0 (RFC 9669 §4.3.1). env reaches the program's
// memory. An error stops the program; Run returns it wrapped, naming the
// call instruction.
type Helper func(env *Env, r1, r2, r3, r4, r5 uint64) (uint64, error)

// Options configure Compile.
type Options struct {
	// Helpers maps helper ids to their implementations.
	Helpers map[int32]Helper
	// Budget bounds the instructions one Run executes (DefaultBudget if 0).
	Budget uint64
	// Regions are memory the program may address besides its stack and
	// context, such as map values; region i is at RegionAddr(i).
	Regions []Region
}

// Program is a predecoded program, ready to Run. Its methods may be called
// from several goroutines at once: each Run has its own registers and stack.
type Program struct {
	code      []inst
	layout    *ebpf.Program // instruction <-> slot, for messages
	helpers   []Helper
	helperIDs []int32 // helperIDs[i] is the id of helpers[i]
	budget    uint64
	regions   []Region
	// stackWrites: what a run can write of the stack (ebpf.StackWrites),
	// the bytes below r10; -1 when unbounded. reset clears only that.
	stackWrites int
	idle        atomic.Pointer[machine] // one idle machine, in front of pool (machine.go)
	pool        machinePool
}

// Compile validates insns and predecodes them.
func Compile(insns []ebpf.Instruction, opts Options) (*Program, error) {
	if err := ebpf.Validate(insns); err != nil {
		return nil, err
	}
	if len(opts.Regions) > maxUserRegions {
		return nil, fmt.Errorf("interp: %d regions, at most %d", len(opts.Regions), maxUserRegions)
	}
	insns = slices.Clone(insns) // messages must not change if the caller's slice does
	p := &Program{layout: ebpf.NewProgram(insns), budget: opts.Budget, regions: opts.Regions}
	if p.budget == 0 {
		p.budget = DefaultBudget
	}
	if n, ok := ebpf.StackWrites(insns); ok {
		p.stackWrites = n
	} else {
		p.stackWrites = -1
	}
	p.code = make([]inst, len(insns))
	helperSlot := map[int32]uint64{}
	for i, ins := range insns {
		in, err := p.predecode(i, ins, opts.Helpers, helperSlot)
		if err != nil {
			return nil, &ebpf.InvalidError{Index: i, Slot: p.layout.Slot(i), Reason: err.Error()}
		}
		p.code[i] = in
	}
	return p, nil
}

// predecode translates instruction i.
func (p *Program) predecode(i int, ins ebpf.Instruction, helpers map[int32]Helper, slot map[int32]uint64) (inst, error) {
	in := inst{op: inFrame(ins, refine(ins, opcodeOps[ins.Opcode])), dst: ins.Dst, src: ins.Src, off: int32(ins.Offset), imm: uint64(int64(ins.Imm))}
	if in.op == opInvalid {
		panic(fmt.Sprintf("BUG: interp: validated instruction %d, %s, has no operation", i, ebpf.OpcodeName(ins.Opcode)))
	}
	switch {
	case ins.IsLDDW():
		in.imm = uint64(ins.Imm64)
	case in.op == opCallHelper:
		return p.resolveHelper(in, ins.Imm, helpers, slot)
	}
	if _, ok := ins.BranchOffset(); ok {
		target, _ := p.layout.Target(i) // Validate proved it
		in.off = int32(target)
	}
	return in, nil
}

// resolveHelper points a helper call at its slot in p.helpers.
func (p *Program) resolveHelper(in inst, id int32, helpers map[int32]Helper, slot map[int32]uint64) (inst, error) {
	s, ok := slot[id]
	if !ok {
		h := helpers[id]
		if h == nil {
			return in, fmt.Errorf("call of helper %d, which Options.Helpers does not define", id)
		}
		s = uint64(len(p.helpers))
		p.helpers = append(p.helpers, h)
		p.helperIDs = append(p.helperIDs, id)
		slot[id] = s
	}
	in.imm = s
	return in, nil
}

// refine picks the operation of the opcodes whose other fields matter:
// a local call (src 1), sdiv/smod (offset 1), movsx (offset 8, 16, 32),
// and the byte swaps (imm is the width).
func refine(ins ebpf.Instruction, o op) op {
	switch {
	case ins.IsLocalCall():
		return opCallLocal
	case !ins.Class().IsALU():
		return o
	case ins.ALUOp() == ebpf.ALUEnd:
		return byteSwap(ins)
	case (ins.ALUOp() == ebpf.ALUDiv || ins.ALUOp() == ebpf.ALUMod) && ins.Offset == 1:
		return o + sdivOffset
	case ins.ALUOp() == ebpf.ALUMov && ins.Offset != 0 && ins.Class() == ebpf.ClassALU64:
		return opMovSX64B + op(ins.Offset/16) // 8, 16, 32 -> B, H, W
	case ins.ALUOp() == ebpf.ALUMov && ins.Offset != 0:
		return opMovSX32B + op(ins.Offset/16)
	}
	return o
}

// byteSwap: in ALU the source bit picks the byte order, and converting to
// little-endian on this little-endian machine only truncates; ALU64 END
// (bswap) and to-big-endian swap (RFC 9669 §4.2).
func byteSwap(ins ebpf.Instruction) op {
	w := op(ins.Imm / 32) // 16, 32, 64 -> 0, 1, 2
	if ins.Class() == ebpf.ClassALU && ins.Source() == ebpf.ToLE {
		return opLE16 + w
	}
	return opBswap16 + w
}
