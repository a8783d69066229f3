package interp

// The state of one Run: registers, the call stack, the address space. A
// Program keeps idle machines in a sync.Pool, so a Run allocates nothing
// and concurrent Runs of one Program never share a stack.
//
//  1. machine() takes the Program's idle machine, else one from the pool,
//     else makes one. The idle slot, one atomic swap to take and one to
//     give back, is for the common case of one goroutine running a program
//     over and over: sync.Pool's Get and Put cost about twice as much.
//  2. reset zeroes the registers and what the last run can have written of
//     the stack (a program must not see the last run's data): the bytes
//     below r10 it stores to when every store is r10-relative and it calls
//     nothing (ebpf.StackWrites; none for a program that never stores),
//     else the frames down to the deepest call. It sets r1 = ContextAddr,
//     r2 = len(ctx) (the bpf_conformance convention), r10 = the top of
//     frame 0, and maps the context. The stack and Options.Regions were
//     mapped when the machine was made.
//  3. run executes (run.go).
//  4. release unmaps the context, so the pool keeps no caller memory alive.

import (
	"fmt"
	"sync"

	"github.com/deepsys/deepsys/ebpf"
)

// frame is what a local call saves (RFC 9669 §4.3.2; the kernel's calling
// convention keeps r6-r9 across calls, and each function has its own
// 512-byte stack).
type frame struct {
	ret   int       // instruction after the call
	saved [4]uint64 // the caller's r6-r9
}

type machine struct {
	regs    [16]uint64 // r0-r10; 16 so that reg&15 needs no bounds check
	mem     memory
	frames  [MaxFrames]frame
	depth   int    // frames below the current one
	deepest int    // the largest depth since reset
	budget  uint64 // instructions left when run returned
	prog    *Program
	env     Env
	// stack follows fields of 8-byte multiples, so it is 8-byte aligned
	// and atomics on it can be real atomics.
	stack [MaxFrames * ebpf.StackSize]byte
}

type machinePool struct{ sync.Pool }

func (p *Program) machine() *machine {
	if m := p.idle.Swap(nil); m != nil {
		return m
	}
	if m, ok := p.pool.Get().(*machine); ok {
		return m
	}
	m := &machine{prog: p}
	m.env = Env{mem: &m.mem, names: p.regions}
	m.mem.regions[1] = newRegion(m.stack[:], false)
	for i, r := range p.regions {
		m.mem.regions[firstUserIndex+i] = newRegion(r.Data, r.ReadOnly)
	}
	return m
}

func (m *machine) reset(ctx []byte) {
	m.regs = [16]uint64{}
	m.regs[ebpf.R1] = ContextAddr
	m.regs[ebpf.R2] = uint64(len(ctx))
	m.regs[ebpf.R10] = stackTop
	from := frameBottom(m.deepest)
	if w := m.prog.stackWrites; w >= 0 {
		from = uint64(len(m.stack) - w)
	}
	clear(m.stack[from:])
	m.depth, m.deepest = 0, 0
	m.mem.regions[1].lo = frameBottom(0)
	m.mem.regions[2] = newRegion(ctx, false)
}

func (m *machine) release() {
	m.mem.regions[2] = region{}
	if !m.prog.idle.CompareAndSwap(nil, m) {
		m.prog.pool.Put(m)
	}
}

// frameBottom is the stack offset of the lowest byte of frame depth.
func frameBottom(depth int) uint64 {
	return uint64(MaxFrames-1-depth) * ebpf.StackSize
}

// Run executes the program with ctx as its context: r1 holds the context's
// address and r2 its length. It returns r0 at the main program's exit, or a
// *RunError naming the instruction that faulted.
func (p *Program) Run(ctx []byte) (uint64, error) {
	if len(ctx) > MaxRegionSize {
		return 0, fmt.Errorf("interp: context of %d bytes, more than %d", len(ctx), MaxRegionSize)
	}
	r0, _, err := p.run(ctx)
	return r0, err
}

// run is Run that also counts the instructions executed.
func (p *Program) run(ctx []byte) (r0, executed uint64, err error) {
	m := p.machine()
	m.reset(ctx)
	r0, err = m.run()
	executed = p.budget - m.budget
	m.release()
	return r0, executed, err
}
