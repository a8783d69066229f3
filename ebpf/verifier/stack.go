package verifier

// The stack: 512 bytes per frame, tracked per byte and per 8-byte slot
// (the kernel's bpf_stack_state, check_stack_write_fixed_off and
// check_stack_read_fixed_off).
//
//  1. Each byte is invalid (never written), misc (some number), zero (a
//     known 0), or part of a spill.
//  2. An 8-byte store of a register at an 8-byte-aligned offset spills it:
//     the slot keeps the whole register, pointer type and bounds included,
//     and an 8-byte load from the slot fills it back unchanged. That is
//     how compiled code keeps pointers across calls and register pressure.
//  3. A narrower store of a number makes its bytes misc (zero when the
//     number is a known 0); a narrower store of a pointer is refused
//     ("invalid size of register spill"), and it destroys any spill it
//     overlaps.
//  4. A load of a spilled pointer must be the whole slot ("invalid size of
//     register fill"); a narrower load of a spilled number's low bytes
//     gives them (a constant stays constant), other narrow loads of a
//     spill and loads of misc bytes an unknown number of the load's
//     width; a load of zero bytes gives 0.
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

func (s *stackSlot) isSpill() bool { return s.kind[0] == stackSpill && s.kind[7] == stackSpill }

// slotOf is the slot and byte of stack offset off (-512 <= off < 0).
func slotOf(off int) (int, int) {
	b := off + 512
	return b / 8, b % 8
}

// stackWrite stores val (nil: a value that is not a register, e.g. an
// immediate held in v) of size bytes at the fixed offset off of frame f.
func (f *frame) stackWrite(off, size int, val Reg) error {
	slot, b := slotOf(off)
	if size == 8 && b == 0 {
		f.stack[slot].spill = val
		f.stack[slot].spill.ID = val.ID
		if val.Type == ScalarValue {
			if v, ok := val.Num.IsConst(); ok && v == 0 {
				f.stack[slot].kind = [8]byteKind{stackZero, stackZero, stackZero, stackZero, stackZero, stackZero, stackZero, stackZero}
				f.stack[slot].spill = Reg{}
				return nil
			}
		}
		f.stack[slot].kind = [8]byteKind{stackSpill, stackSpill, stackSpill, stackSpill, stackSpill, stackSpill, stackSpill, stackSpill}
		return nil
	}
	if val.Type.IsPointer() {
		return fmt.Errorf("invalid size of register spill")
	}
	kind := stackMisc
	if val.isNull() {
		kind = stackZero
	}
	f.markBytes(off, size, kind)
	return nil
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

// breakSpill turns a spill into misc bytes (a zero spill stays zero).
func (s *stackSlot) breakSpill() {
	k := stackMisc
	if s.spill.isNull() {
		k = stackZero
	}
	for i := range s.kind {
		s.kind[i] = k
	}
	s.spill = Reg{}
}

// stackRead loads size bytes at the fixed offset off of frame f.
func (f *frame) stackRead(off, size int, strict bool) (Reg, error) {
	slot, b := slotOf(off)
	s := &f.stack[slot]
	if s.isSpill() {
		if size == 8 && b == 0 {
			return s.spill, nil
		}
		if s.spill.Type != ScalarValue {
			return Reg{}, fmt.Errorf("invalid size of register fill")
		}
		if b == 0 { // the low bytes of a spilled number (little-endian)
			return truncated(s.spill.Num, size), nil
		}
		return sizedUnknown(size), nil
	}
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
		case stackSpill:
			if f.stack[sl].spill.Type != ScalarValue && strict {
				return Reg{}, fmt.Errorf("invalid size of register fill")
			}
			zero = false
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
