package verifier

// Verifier state: everything known at one point of one path (the kernel's
// struct bpf_verifier_state and bpf_func_state).
//
//  1. A state is a stack of frames, one per bpf-to-bpf call in progress
//     (at most MaxCallFrames); each frame has its registers and its 512
//     bytes of stack (stack.go), and remembers the call instruction to
//     return to.
//  2. refs are the references the path holds (ring buffer reservations):
//     each must be released before the program exits.
//  3. parent is the latest checkpoint on the path (prune.go): when the
//     path ends, the checkpoints it went through learn that one more of
//     their descendants is done.

import "github.com/deepsys/deepsys/ebpf"

// MaxCallFrames is the deepest bpf-to-bpf call chain (MAX_CALL_FRAMES).
const MaxCallFrames = 8

// slots is the number of 8-byte stack slots of a frame.
const slots = ebpf.StackSize / 8

// frame is one function's registers and stack.
type frame struct {
	regs     [ebpf.NumRegisters]Reg
	stack    [slots]stackSlot
	callsite int // instruction index of the call that made this frame; -1 for the main program
	fn       int // instruction index where the function starts
}

// ref is a reference held: its id and the instruction that acquired it.
type ref struct {
	id   uint32
	insn int
}

// state is one path's state at instruction insn.
type state struct {
	frames []*frame
	refs   []ref
	insn   int
	parent *checkpoint
	// written marks, per frame, the stack slots written whole since the
	// path's latest checkpoint; read, in a checkpoint's copy, the slots
	// some path from it read before writing them (liveness.go, stack
	// read marks). hasRead says read is being kept (checkpoints only).
	written [MaxCallFrames]uint64
	read    [MaxCallFrames]uint64
	hasRead bool
}

func (s *state) cur() *frame { return s.frames[len(s.frames)-1] }

func (s *state) reg(r uint8) *Reg { return &s.cur().regs[r] }

// clone is a deep copy of s.
func (s *state) clone() *state {
	c := &state{insn: s.insn, parent: s.parent, frames: make([]*frame, len(s.frames)), written: s.written}
	for i, f := range s.frames {
		nf := *f
		c.frames[i] = &nf
	}
	c.refs = append([]ref(nil), s.refs...)
	return c
}

// forEachReg calls f on every register and spilled register of every
// frame (the kernel's bpf_for_each_reg_in_vstate).
func (s *state) forEachReg(f func(*Reg)) {
	for _, fr := range s.frames {
		for i := range fr.regs {
			f(&fr.regs[i])
		}
		for i := range fr.stack {
			if fr.stack[i].isSpill() {
				f(&fr.stack[i].spill)
			}
		}
	}
}

// newFrame is a function's frame on entry: r10 is its frame pointer.
func newFrame(depth, callsite, fn int) *frame {
	f := &frame{callsite: callsite, fn: fn}
	f.regs[ebpf.R10] = ptrReg(PtrToStack)
	f.regs[ebpf.R10].Frame = depth
	return f
}

// initialState is the state at instruction 0: r1 is the context.
func initialState() *state {
	s := &state{frames: []*frame{newFrame(0, -1, 0)}}
	s.frames[0].regs[ebpf.R1] = ptrReg(PtrToCtx)
	return s
}
