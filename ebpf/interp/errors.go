package interp

import (
	"errors"
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// Kinds of runtime failure; test with errors.Is.
var (
	ErrMemory     = errors.New("memory access outside every region")
	ErrReadOnly   = errors.New("store into read-only memory")
	ErrMisaligned = errors.New("misaligned atomic access")
	ErrBudget     = errors.New("instruction budget exhausted")
	ErrCallDepth  = errors.New("call stack too deep")
	ErrHelper     = errors.New("helper failed")
)

// RunError says which instruction stopped a program and why; the JIT
// (ebpf/jit) returns the same errors.
type RunError struct {
	Index int    // position in the []ebpf.Instruction
	Slot  int    // position in the bytecode, in 8-byte slots
	Op    string // the opcode, named
	Err   error  // wraps one of the Err* kinds
}

func (e *RunError) Error() string {
	return fmt.Sprintf("ebpf: instruction %d (slot %d, %s): %v", e.Index, e.Slot, e.Op, e.Err)
}

func (e *RunError) Unwrap() error { return e.Err }

// fault builds the error of instruction pc.
func (m *machine) fault(pc int, err error) *RunError {
	l := m.prog.layout
	return &RunError{Index: pc, Slot: l.Slot(pc), Op: ebpf.OpcodeName(l.Insns[pc].Opcode), Err: err}
}

// accessFault explains the failed load or store of instruction pc, from the
// registers as they are.
func (m *machine) accessFault(pc int) *RunError {
	in := &m.prog.code[pc]
	ins := m.prog.layout.Insns[pc]
	size := uint64(ins.Size().Bytes())
	base := m.regs[in.dst]
	if ins.Class() == ebpf.ClassLDX {
		base = m.regs[in.src]
	}
	write := ins.Class() == ebpf.ClassST || ins.Class() == ebpf.ClassSTX
	return m.fault(pc, m.mem.accessError(base+uint64(int64(in.off)), size, write, m.prog.regions))
}
