package verifier

// Jumps (the kernel's check_cond_jmp_op, is_branch_taken, reg_set_min_max,
// mark_ptr_or_null_regs, try_match_pkt_pointers, find_equal_scalars).
//
//  1. goto moves the path; exit and call are in calls.go.
//  2. A conditional jump between numbers asks BranchTaken whether the
//     outcome is known; if so only that edge is followed. Otherwise both
//     are, each with its operands narrowed by Refine, and the narrowing is
//     copied to every scalar sharing the operand's ID. An edge whose
//     operands come out empty is dead and skipped.
//  3. A pointer that may be NULL compared (== or !=) with 0: on the NULL
//     edge every register with its ID becomes the number 0 (and a
//     reference it held is released, there being nothing to release); on
//     the other edge they all become the non-NULL pointer type. A non-NULL
//     pointer compared with 0 has a known outcome.
//  4. A packet pointer compared with pkt_end (or pkt_meta with pkt): on
//     the edge where ptr <= end holds, every packet pointer with the same
//     ID has its range raised to the compared pointer's offset: bytes
//     [0, off) from them are inside the packet; where ptr < end holds,
//     one byte more.
//  5. Any other comparison involving a pointer (root may compare
//     pointers) follows both edges and learns nothing.

import "github.com/deepsys/deepsys/ebpf"

func (e *env) jump(s *state, ins ebpf.Instruction) (bool, error) {
	op := ins.JumpOp()
	switch {
	case op == ebpf.JumpExit:
		return e.exit(s)
	case op == ebpf.JumpCall:
		return false, e.call(s, ins)
	case op == ebpf.JumpA:
		t, _ := e.prog.Target(s.insn)
		s.insn = t
		return false, nil
	}
	dst, err := readReg(s, ins.Dst)
	if err != nil {
		return false, err
	}
	var src Reg
	if ins.Source() == ebpf.SourceX {
		r, err := readReg(s, ins.Src)
		if err != nil {
			return false, err
		}
		src = *r
	} else {
		src = constReg(uint64(int64(ins.Imm)))
		if ins.Class() == ebpf.ClassJMP32 {
			src = constReg(uint64(uint32(ins.Imm)))
		}
	}
	width := 64
	if ins.Class() == ebpf.ClassJMP32 {
		width = 32
	}
	target, _ := e.prog.Target(s.insn)
	taken := s.clone()
	taken.insn = target
	s.insn++
	keepT, keepF := e.branch(taken, s, ins, *dst, src, op, width)
	if e.isAssume(e.insnIdx) { // assume: the taken edge's refinement, no other edge (fragment.go)
		if !keepT {
			return true, nil
		}
		*s = *taken
		return false, nil
	}
	switch {
	case keepT && keepF:
		return false, e.push(taken)
	case keepT:
		*s = *taken
	case !keepF:
		return true, nil // both edges dead: a contradiction upstream
	}
	return false, nil
}

// branch narrows the states of the taken (t) and fall-through (f) edges
// and says which edges can happen.
func (e *env) branch(t, f *state, ins ebpf.Instruction, dst, src Reg, op ebpf.JumpOp, width int) (bool, bool) {
	srcReg := -1
	if ins.Source() == ebpf.SourceX {
		srcReg = int(ins.Src)
	}
	if dst.Type == ScalarValue && src.Type == ScalarValue {
		if taken, known := BranchTaken(op, dst.Num, src.Num, width); known {
			return taken, !taken
		}
		for _, edge := range []struct {
			s     *state
			taken bool
		}{{t, true}, {f, false}} {
			a, b := Refine(op, dst.Num, src.Num, width, edge.taken)
			if a.Empty() || b.Empty() {
				if edge.taken {
					return false, true
				}
				return true, false
			}
			setScalar(edge.s, int(ins.Dst), dst.ID, a)
			if srcReg >= 0 {
				setScalar(edge.s, srcReg, src.ID, b)
			}
		}
		return true, true
	}
	if (op == ebpf.JumpEq || op == ebpf.JumpNE) && width == 64 {
		if ptr, other, reg := nullCheck(dst, src, int(ins.Dst), srcReg); reg >= 0 && other.isNull() {
			eqState, neState := t, f
			if op == ebpf.JumpNE {
				eqState, neState = f, t
			}
			if ptr.Type.NeverNull() {
				return op == ebpf.JumpNE, op == ebpf.JumpEq
			}
			if !ptr.Type.MaybeNull() {
				return true, true // both edges, the pointer unchanged
			}
			markNull(eqState, ptr, true)
			markNull(neState, ptr, false)
			return true, true
		}
	}
	if width == 64 {
		e.packetRange(t, f, dst, src, op)
	}
	return true, true
}

// nullCheck finds the pointer side of a comparison with a number.
func nullCheck(dst, src Reg, dreg, sreg int) (Reg, Reg, int) {
	if dst.Type.IsPointer() && src.Type == ScalarValue {
		return dst, src, dreg
	}
	if src.Type.IsPointer() && dst.Type == ScalarValue && sreg >= 0 {
		return src, dst, sreg
	}
	return Reg{}, Reg{}, -1
}

// setScalar gives register r (and every scalar sharing its id) the value n.
func setScalar(s *state, r int, id uint32, n Scalar) {
	s.cur().regs[r].Num = n
	if id == 0 {
		return
	}
	s.forEachReg(func(x *Reg) {
		if x.Type == ScalarValue && x.ID == id {
			x.Num = n
		}
	})
}

// markNull is step 3 on one edge.
func markNull(s *state, ptr Reg, null bool) {
	if ptr.ID == 0 {
		return
	}
	s.forEachReg(func(x *Reg) {
		if !x.Type.MaybeNull() || x.ID != ptr.ID {
			return
		}
		if null {
			*x = constReg(0)
			return
		}
		x.Type = x.Type.nonNull()
	})
	if null && ptr.Ref != 0 {
		s.release(ptr.Ref)
	}
}

// release drops reference id from s and invalidates the registers that
// held it (a pointer to released memory is a number as root).
func (s *state) release(id uint32) bool {
	for i, r := range s.refs {
		if r.id == id {
			s.refs = append(s.refs[:i], s.refs[i+1:]...)
			s.forEachReg(func(x *Reg) {
				if x.Ref == id {
					*x = unknownReg()
				}
			})
			return true
		}
	}
	return false
}

// packetRange is step 4. It finds "ptr <= end" or "ptr < end" on an edge.
func (e *env) packetRange(t, f *state, dst, src Reg, op ebpf.JumpOp) {
	ptrType := func(a, b Reg) bool {
		return a.Type == PtrToPacket && b.Type == PtrToPacketEnd || a.Type == PtrToPacketMeta && b.Type == PtrToPacket
	}
	var ptr, end Reg
	var onTaken, strict bool
	switch {
	case ptrType(dst, src): // if ptr op end
		ptr, end = dst, src
		switch op {
		case ebpf.JumpGT: // fall-through: ptr <= end
		case ebpf.JumpGE: // fall-through: ptr < end
			strict = true
		case ebpf.JumpLT:
			onTaken, strict = true, true
		case ebpf.JumpLE:
			onTaken = true
		default:
			return
		}
	case ptrType(src, dst): // if end op ptr
		ptr, end = src, dst
		switch op {
		case ebpf.JumpLT: // fall-through: end >= ptr
		case ebpf.JumpLE: // fall-through: end > ptr
			strict = true
		case ebpf.JumpGT:
			onTaken, strict = true, true
		case ebpf.JumpGE:
			onTaken = true
		default:
			return
		}
	default:
		return
	}
	proved := ptr.Off
	if strict {
		proved++ // ptr < end: ptr + 1 <= end
	}
	if v, ok := end.Num.IsConst(); ptr.Off < 0 || proved <= 0 || end.Off != 0 || !ok || v != 0 {
		return
	}
	s := f
	if onTaken {
		s = t
	}
	s.forEachReg(func(x *Reg) {
		if x.Type == ptr.Type && x.ID == ptr.ID && x.Range < proved {
			x.Range = proved
		}
	})
}
