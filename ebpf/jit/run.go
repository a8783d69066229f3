package jit

// Run: the Go side of the exits (wazero's model, DESIGN.md): the code
// returns an exit reason, Go services it and re-enters at machine.resume,
// until the program exits or fails.

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
)

// fuelSlice is the most instructions the code runs between two returns to
// Go, which bounds how long a running program holds off Go's
// stop-the-world: at 0.3-1.5 ns per instruction, 20-100 µs
// (TestGCNotBlocked measures it). A return and re-entry costs some tens of
// nanoseconds: under 0.2% of a slice.
const fuelSlice = 1 << 16

// ErrClosed is Run on a closed Program.
var ErrClosed = errors.New("jit: program was closed")

// Run executes the program with ctx as its context: r1 holds the context's
// address and r2 its length. It returns r0 at the main program's exit, or
// an *interp.RunError naming the instruction that stopped it, worded as
// interp's.
func (p *Program) Run(ctx []byte) (uint64, error) {
	r0, _, err := p.run(ctx)
	return r0, err
}

// run is Run that also counts the instructions executed.
func (p *Program) run(ctx []byte) (r0, executed uint64, err error) {
	if len(ctx) > interp.MaxRegionSize {
		return 0, 0, fmt.Errorf("jit: context of %d bytes, more than %d", len(ctx), interp.MaxRegionSize)
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.seg == nil {
		return 0, 0, ErrClosed
	}
	m := p.machine()
	m.reset(ctx)
	r0, err = m.run()
	executed = p.budget - m.reserve - m.fuel
	m.release()
	runtime.KeepAlive(p)
	return r0, executed, err
}

func (m *machine) run() (uint64, error) {
	p := m.prog
	for {
		reason, err := p.seg.Call(0, unsafe.Pointer(m))
		if err != nil {
			return 0, err
		}
		switch reason {
		case exitDone:
			return m.regs[ebpf.R0], nil
		case exitPacket:
			return 0, nil
		case exitFuel:
			if m.reserve == 0 {
				return 0, m.fault(int(m.exitPC)+int(m.fuel), fmt.Errorf("%w: %d instructions executed (Options.Budget)", interp.ErrBudget, p.budget))
			}
			more := min(m.reserve, fuelSlice)
			m.fuel += more
			m.reserve -= more
		case exitHelper:
			if err := m.callHelper(); err != nil {
				return 0, m.fault(int(m.exitPC), err)
			}
		case exitMemory:
			return 0, m.accessFault(int(m.exitPC))
		case exitMisaligned:
			ins := p.layout.Insns[m.exitPC]
			return 0, m.fault(int(m.exitPC), fmt.Errorf("%w: %d-byte atomic operation at %#x", interp.ErrMisaligned, ins.Size().Bytes(), m.address(ins)))
		case exitDepth:
			return 0, m.fault(int(m.exitPC), fmt.Errorf("%w: a local call beyond %d frames", interp.ErrCallDepth, interp.MaxFrames))
		default:
			panic(fmt.Sprintf("BUG: jit: the code exited with reason %d", reason))
		}
	}
}

// callHelper runs the helper the code asked for, r0 = helper(r1-r5).
func (m *machine) callHelper() error {
	p := m.prog
	m.space.SetDepth(int(m.depth))
	r := &m.regs
	v, err := p.helpers[m.exitArg](m.space.Env(), r[1], r[2], r[3], r[4], r[5])
	if err != nil {
		return interp.HelperError(p.helperIDs[m.exitArg], err)
	}
	r[ebpf.R0] = v
	m.syncPacket()
	return nil
}

// fault builds the error of instruction pc, as interp's.
func (m *machine) fault(pc int, err error) *interp.RunError {
	l := m.prog.layout
	return &interp.RunError{Index: pc, Slot: l.Slot(pc), Op: ebpf.OpcodeName(l.Insns[pc].Opcode), Err: err}
}

// address is the program address a load, store or atomic accessed.
func (m *machine) address(ins ebpf.Instruction) uint64 {
	base := ins.Dst
	if ins.Class() == ebpf.ClassLDX {
		base = ins.Src
	}
	return m.reg(base) + uint64(int64(ins.Offset))
}

// accessFault explains the failed access of instruction pc.
func (m *machine) accessFault(pc int) *interp.RunError {
	ins := m.prog.layout.Insns[pc]
	write := ins.Class() == ebpf.ClassST || ins.Class() == ebpf.ClassSTX
	m.space.SetDepth(int(m.depth))
	return m.fault(pc, m.space.AccessError(m.address(ins), uint64(ins.Size().Bytes()), write))
}
