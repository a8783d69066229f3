package verifier

// The stack: 512 bytes per frame, tracked per byte and per 8-byte slot
// (the kernel's bpf_stack_state, check_stack_write_fixed_off and
// check_stack_read_fixed_off).
//
//  1. Each byte is invalid (never written), misc (some number), zero (a
//     known 0), or part of a spill.
//  2. As root (CAP_BPF), a store of a number at an 8-byte-aligned offset
//     spills it, whatever its size: the slot keeps the whole register and
//     marks its low size bytes as the spill (the rest keep what they had,
//     as misc, zero or invalid). An immediate store (BPF_ST) spills its
//     constant the same way. An 8-byte store of a pointer at an aligned
//     offset spills the pointer, type and bounds included, and an 8-byte
//     load fills it back unchanged: that is how compiled code keeps
//     pointers across calls and register pressure.
//  3. Any other store writes bytes: misc, or zero for a known 0. A
//     narrower store of a pointer is refused ("invalid size of register
//     spill"). A byte store into a spilled slot scrubs the spill: every
//     byte of the slot that was written before becomes misc.
//  4. A load from a slot whose lowest byte is a spill: of a pointer it must
//     be the whole 8-byte spill ("invalid size of register fill"); of a
//     number no wider than the spill, at the slot's start, it gives the
//     number's low bytes (a constant stays constant); any other load gives
//     0 where every byte read is zero (or a spill of 0), else an unknown
//     number of the load's width. Loads from unspilled bytes give 0 for
//     zero bytes, else an unknown number.
//  5. Reading invalid bytes: as root (CAP_PERFMON) the kernel allows it
//     (env->allow_uninit_stack) and so do we, giving an unknown number;
//     Options.Unprivileged refuses it ("invalid read from stack").
//  6. Accesses at a variable offset (a stack pointer plus a bounded index)
//     are checked over every offset the index allows: reads give an
//     unknown number, writes make every byte they may touch misc (a
//     pointer stored that way becomes bytes; Options.Unprivileged refuses
//     it), simpler than the kernel, which tracks a few more cases.

import "fmt"

type byteKind uint8

const (
	stackInvalid byteKind = iota
	stackMisc
	stackZero
	stackSpill
)

// stackSlot is 8 bytes of a frame's stack.
type stackSlot struct {
	kind  [8]byteKind
	spill Reg // when kind is all stackSpill
}

// isSpill reports whether the slot holds a spilled register: its lowest
// byte is part of the spill (is_spilled_reg).
func (s *stackSlot) isSpill() bool { return s.kind[0] == stackSpill }

// spillSize is how many low bytes the spill covers (8: a whole register).
func (s *stackSlot) spillSize() int {
	n := 0
	for n < 8 && s.kind[n] == stackSpill {
		n++
	}
	return n
}

// slotOf is the slot and byte of stack offset off (-512 <= off < 0).
func slotOf(off int) (int, int) {
	b := off + 512
	return b / 8, b % 8
}

// stackWrite stores val of size bytes at the fixed offset off of frame f
// (check_stack_write_fixed_off). val is nil for a store of bytes that are
// not a register (an atomic operation's result); capable is root's
// CAP_BPF, under which numbers are spilled too.
func (f *frame) stackWrite(off, size int, val *Reg, capable bool) error {
	slot, b := slotOf(off)
	switch {
	case val != nil && b == 0 && val.Type == ScalarValue && capable:
		f.spill(slot, size, *val)
	case val != nil && val.Type.IsPointer():
		if size != 8 || b != 0 {
			return fmt.Errorf("invalid size of register spill")
		}
		f.spill(slot, size, *val)
	default:
		kind := stackMisc
		if val != nil && val.isNull() {
			kind = stackZero
		}
		f.markBytes(off, size, kind)
	}
	return nil
}

// spill keeps val in slot, its low size bytes marked as the spill
// (save_register_state).
func (f *frame) spill(slot, size int, val Reg) {
	s := &f.stack[slot]
	s.spill = val
	for i := range s.kind {
		switch {
		case i < size:
			s.kind[i] = stackSpill
		case s.kind[i] == stackSpill:
			s.kind[i] = stackMisc
		}
	}
}

// markBytes sets size bytes from off to kind, breaking the spills they
// touch into misc bytes.
func (f *frame) markBytes(off, size int, kind byteKind) {
	for i := off; i < off+size; i++ {
		slot, b := slotOf(i)
		s := &f.stack[slot]
		if s.isSpill() {
			s.breakSpill()
		}
		s.kind[b] = kind
	}
}

// breakSpill scrubs a spill: every written byte of the slot becomes misc
// (scrub_spilled_slot).
func (s *stackSlot) breakSpill() {
	for i, k := range s.kind {
		if k != stackInvalid {
			s.kind[i] = stackMisc
		}
	}
	s.spill = Reg{}
}

// stackRead loads size bytes at the fixed offset off of frame f
// (check_stack_read_fixed_off).
func (f *frame) stackRead(off, size int, strict bool) (Reg, error) {
	slot, b := slotOf(off)
	s := &f.stack[slot]
	if !s.isSpill() {
		return f.bytesRead(off, size, strict)
	}
	n := s.spillSize()
	if size == 8 && n == 8 {
		return s.spill, nil
	}
	if s.spill.Type != ScalarValue {
		return Reg{}, fmt.Errorf("invalid size of register fill")
	}
	if size <= n && b == 0 { // the low bytes of a spilled number (little-endian)
		return truncated(s.spill.Num, size), nil
	}
	spilled, zeros := 0, 0
	for i := b; i < b+size; i++ {
		switch s.kind[i] {
		case stackSpill:
			spilled++
		case stackZero:
			zeros++
		case stackInvalid:
			if strict {
				return Reg{}, fmt.Errorf("invalid read from stack off %d+%d size %d", off, i-b, size)
			}
		}
	}
	if (spilled == size && s.spill.isNull()) || zeros == size {
		return constReg(0), nil
	}
	return sizedUnknown(size), nil
}

// bytesRead loads size bytes from unspilled slots.
func (f *frame) bytesRead(off, size int, strict bool) (Reg, error) {
	zero := true
	for i := 0; i < size; i++ {
		sl, bb := slotOf(off + i)
		switch f.stack[sl].kind[bb] {
		case stackInvalid:
			if strict {
				return Reg{}, fmt.Errorf("invalid read from stack off %d+%d size %d", off, i, size)
			}
			zero = false
		case stackZero:
		default:
			zero = false
		}
	}
	if zero {
		return constReg(0), nil
	}
	return sizedUnknown(size), nil
}

// truncated is n cut to its low size bytes (coerce_reg_to_size).
func truncated(n Scalar, size int) Reg {
	mask := uint64(1)<<(8*size) - 1
	if v, ok := n.IsConst(); ok {
		return constReg(v & mask)
	}
	if n.U.max <= mask {
		return scalarReg(n)
	}
	return sizedUnknown(size)
}

// sizedUnknown is an unknown number loaded from size bytes (zero-extended).
func sizedUnknown(size int) Reg {
	if size == 8 {
		return unknownReg()
	}
	max := uint64(1)<<(8*size) - 1
	s := UnknownScalar()
	s.U = urange{0, max}
	s.Sync()
	return scalarReg(s)
}

// stackInitialized reports the first offset in [lo, hi) of frame f whose
// byte was never written, or ok.
func (f *frame) stackInitialized(lo, hi int) (int, bool) {
	for i := lo; i < hi; i++ {
		sl, b := slotOf(i)
		if f.stack[sl].kind[b] == stackInvalid {
			return i, false
		}
	}
	return 0, true
}
