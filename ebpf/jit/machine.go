package jit

// The machine: the context the generated code gets in RDI, one per
// concurrent Run (a Program keeps one idle in a slot, more in a
// sync.Pool). Go allocates it on the heap, which does not move, so the
// code may keep addresses into it as plain integers (the stack's host
// address in RBP, in the region table); a goroutine stack would move under
// them (internal/execmem).
//
// Layout, at offsets the code reads (off* below):
//
//	regs      r0-r10 while the code is out (at an exit); regs[10] is the
//	          host address of the frame top, the code's form of r10
//	fuel      instructions the code may still run before it must exit
//	resume    the code address the entry jumps to
//	exitPC    the instruction an exit is about (fault, helper, fuel)
//	exitArg   the helper's slot, for a helper exit
//	depth     local calls in progress (0: the main program)
//	deepest   the largest depth since reset: the frames reset must clear
//	tmp       a spill slot for the fuel register (division by a constant, CAS loops)
//	bias      host address of the stack minus interp.StackAddr: r10 = RBP - bias
//	table     the 16 windows of the address space (interp's map), 128 bytes each
//	frames    what a local call saves: return address and r6-r9
//	stack     MaxFrames frames of 512 bytes, frame 0 at the top
//	legacyWin where legacy loads read: 0 for the context's window, else the
//	          distance from it to legacy (RunPacket; packet.go)
//	legacy    RunPacket's packet as a window based at its first byte

import (
	"unsafe"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
)

// window is one 4 GiB window of the address space as the code checks it:
// an access of n bytes at offset o is allowed if lo <= o (unsigned) and
// o <= lim[k] (signed; k picks load or store and the size), and then it is
// at host address base+o. lim is size-n, or -1 where no such access is
// allowed (an unmapped window, a store into a read-only region), so one
// signed compare covers "o+n <= size" without the addition.
type window struct {
	base uintptr
	lo   uint64
	lim  [8]int64 // loads of 1, 2, 4, 8 bytes, then stores of 1, 2, 4, 8
	_    [6]uint64
}

// frame is what a local call saves (interp's calls.go, steps 2-4).
type frame struct {
	ret   uintptr   // code address of the instruction after the call
	saved [4]uint64 // the caller's r6-r9
	_     [3]uint64
}

// numWindows is the windows of interp's map: 0 unmapped, 1 stack, 2
// context, then interp.MaxRegions regions (TestLayout checks it against
// interp.RegionAddr).
const numWindows = 3 + interp.MaxRegions

const stackBytes = interp.MaxFrames * ebpf.StackSize

type machine struct {
	regs    [ebpf.NumRegisters]uint64
	fuel    uint64
	resume  uintptr
	exitPC  uint64
	exitArg uint64
	depth   uint64
	deepest uint64
	tmp     uint64
	bias    uint64
	table   [numWindows]window
	frames  [interp.MaxFrames]frame
	stack   [stackBytes]byte // 8-byte aligned: every field before it is

	// What legacy loads read (packet.go), read by the code too.
	legacyWin uint64
	legacy    window

	// The hot window (hot.go), read by the code's checked accesses first.
	hotLo   uint64
	hotLim  [8]uint64
	hotBase uintptr

	// Go's side, never read by the code.
	prog    *Program
	space   *interp.Space // the same memory, for helpers and messages
	reserve uint64        // budget not yet handed out as fuel
	pktBase uintptr       // host address of Packet.Buf while a packet is mapped (packet.go)
	pktData int           // the packet's bounds as the code sees them
	pktEnd  int
}

// Offsets the code uses; the layout test checks the sizes they assume.
const (
	offRegs    = int32(unsafe.Offsetof(machine{}.regs))
	offFuel    = int32(unsafe.Offsetof(machine{}.fuel))
	offResume  = int32(unsafe.Offsetof(machine{}.resume))
	offExitPC  = int32(unsafe.Offsetof(machine{}.exitPC))
	offExitArg = int32(unsafe.Offsetof(machine{}.exitArg))
	offDepth   = int32(unsafe.Offsetof(machine{}.depth))
	offDeepest = int32(unsafe.Offsetof(machine{}.deepest))
	offTmp     = int32(unsafe.Offsetof(machine{}.tmp))
	offBias    = int32(unsafe.Offsetof(machine{}.bias))
	offTable   = int32(unsafe.Offsetof(machine{}.table))
	offLegWin  = int32(unsafe.Offsetof(machine{}.legacyWin))
	offLegacy  = int32(unsafe.Offsetof(machine{}.legacy))
	offFrames  = int32(unsafe.Offsetof(machine{}.frames))
	offHotLo   = int32(unsafe.Offsetof(machine{}.hotLo))
	offHotLim  = int32(unsafe.Offsetof(machine{}.hotLim))
	offHotBase = int32(unsafe.Offsetof(machine{}.hotBase))

	windowShift = 7 // log2 of unsafe.Sizeof(window{})
	frameShift  = 6 // log2 of unsafe.Sizeof(frame{})
	offWinBase  = int32(unsafe.Offsetof(window{}.base))
	offWinLo    = int32(unsafe.Offsetof(window{}.lo))
	offWinLim   = int32(unsafe.Offsetof(window{}.lim))
	offFrameRet = int32(unsafe.Offsetof(frame{}.ret))
	offFrameR6  = int32(unsafe.Offsetof(frame{}.saved))
)

// limIndex is the index into window.lim of an access of n bytes.
func limIndex(n int, store bool) int32 {
	k := int32(0)
	for 1<<k < n {
		k++
	}
	if store {
		k += 4
	}
	return k
}

// machine takes an idle machine: the one in p.idle, else one from p.pool,
// else a new one. The slot in front of the pool is for the common case of
// one goroutine running a program over and over: an atomic swap there and
// back costs about 10 ns, sync.Pool's Get and Put about 22 (pinning the P,
// twice); concurrent Runs fall through to the pool.
func (p *Program) machine() *machine {
	if m := p.idle.Swap(nil); m != nil {
		return m
	}
	if m, ok := p.pool.Get().(*machine); ok {
		return m
	}
	m := &machine{prog: p}
	m.space = interp.NewSpace(m.stack[:], p.regions)
	for i := range m.table {
		m.mapWindow(i, nil, true)
	}
	m.mapWindow(1, m.stack[:], false)
	for i, r := range p.regions {
		m.mapWindow(int(interp.RegionAddr(i)>>32), r.Data, r.ReadOnly)
	}
	m.bias = uint64(uintptr(unsafe.Pointer(&m.stack[0]))) - interp.StackAddr
	return m
}

// mapWindow points window i at mem. The address is kept as an integer: the
// Space keeps the memory alive, and Go's heap does not move. The context
// is on the heap too: handing it to the Space makes Run's ctx escape, so
// the compiler never leaves a caller's buffer on a goroutine stack, which
// moves.
//
// Run maps the context on every call: see set for why it is written as it
// is.
func (m *machine) mapWindow(i int, mem []byte, readOnly bool) {
	m.table[i].set(uintptr(unsafe.Pointer(unsafe.SliceData(mem))), 0, uint64(len(mem)), readOnly)
}

// set points w at base with offsets [lo, size) accessible. It is written
// to stay in registers, one store per field: a first version (zero the
// window, then a loop over the sizes) and a composite literal both went
// through a temporary on the goroutine stack whose 16-byte reloads of
// 8-byte stores stall store forwarding, 10-12 ns a call (a quarter of an
// empty Run; RunPacket calls it twice more).
func (w *window) set(base uintptr, lo, size uint64, readOnly bool) {
	w.base, w.lo = base, lo
	n := int64(size)
	l := &w.lim
	l[0], l[1], l[2], l[3] = max(n-1, -1), max(n-2, -1), max(n-4, -1), max(n-8, -1)
	if readOnly {
		l[4], l[5], l[6], l[7] = -1, -1, -1, -1
	} else {
		l[4], l[5], l[6], l[7] = l[0], l[1], l[2], l[3]
	}
}

// frameBottom is the stack offset of the lowest byte of frame depth.
func frameBottom(depth uint64) uint64 {
	return (interp.MaxFrames - 1 - depth) * ebpf.StackSize
}

// reset prepares a run over ctx: registers as interp sets them (r1 = the
// context, r2 = its length, r10 = the top of frame 0), what the last run
// can have written of the stack zeroed, the context mapped, the budget
// handed out.
func (m *machine) reset(ctx []byte) {
	m.regs = [ebpf.NumRegisters]uint64{}
	m.regs[ebpf.R1] = interp.ContextAddr
	m.regs[ebpf.R2] = uint64(len(ctx))
	m.regs[ebpf.R10] = uint64(uintptr(unsafe.Pointer(&m.stack[0]))) + stackBytes
	clear(m.stack[m.dirty():])
	m.depth, m.deepest = 0, 0
	m.table[1].lo = frameBottom(0)
	m.mapWindow(2, ctx, false)
	m.setHot(2, uintptr(unsafe.Pointer(unsafe.SliceData(ctx))), 0, uint64(len(ctx)))
	m.space.Enter(ctx)
	m.space.SetDepth(0)
	m.resume = m.prog.start
	m.fuel = min(m.prog.budget, fuelSlice)
	m.reserve = m.prog.budget - m.fuel
}

// dirty is the lowest stack offset the last run can have written: no run
// may read what another left (the verifier's rule that no stack byte is
// read before it is written, which we do not check yet). Without a bound
// from the instructions (Program.stackWrites), that is every frame down to
// the deepest call; with one, the bytes below r10 the program stores to —
// none for most programs, where clearing a whole 512-byte frame was 8-10
// ns of a 60 ns Run.
func (m *machine) dirty() uint64 {
	if w := m.prog.stackWrites; w >= 0 {
		return stackBytes - uint64(w)
	}
	return frameBottom(m.deepest)
}

// release drops the context and returns m to the idle slot, or to the
// pool if the slot is taken. The context's window keeps its address (an
// integer, which keeps nothing alive): no code runs on an idle machine,
// and reset maps the next context before any does.
func (m *machine) release() {
	m.space.Leave()
	if !m.prog.idle.CompareAndSwap(nil, m) {
		m.prog.pool.Put(m)
	}
}

// reg is eBPF register r as the program sees it (r10 as an address of
// interp's map, not the host address the code keeps).
func (m *machine) reg(r uint8) uint64 {
	if r == ebpf.R10 {
		return m.regs[r] - m.bias
	}
	return m.regs[r]
}
