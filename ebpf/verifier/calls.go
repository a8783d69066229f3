package verifier

// Calls and exits (the kernel's check_helper_call, check_func_arg,
// check_func_call, prepare_func_exit, check_return_code and
// check_max_stack_depth).
//
//  1. A helper call: the helper must exist and be offered to the program
//     type; each argument register must hold what the prototype says
//     (helpers_proto.go), memory arguments are checked as accesses of
//     their size; then r1-r5 become uninitialised (caller-saved) and r0
//     gets the return type: a number, a map value or NULL (with a new id
//     for the null check), a ring buffer reservation or NULL (also a
//     reference the program must release). Helpers that change the
//     packet invalidate every packet pointer.
//  2. A bpf-to-bpf call pushes a frame (at most MaxCallFrames): the callee
//     gets r1-r5, a fresh stack and r10; its exit pops the frame, r0 goes
//     back to the caller (not a pointer into the dying stack), r1-r5 are
//     uninitialised and r6-r9 are the caller's.
//  3. The main program's exit needs r0 initialised ("R0 !read_ok") and
//     every reference released.
//  4. After the walk, the stack of every call chain, each frame rounded up
//     to 16 bytes (as for a JITed program), must fit in 512 bytes
//     ("combined stack size").

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/maps"
)

func (e *env) call(s *state, ins ebpf.Instruction) error {
	switch ins.Src {
	case ebpf.PseudoCallLocal:
		return e.localCall(s)
	case ebpf.PseudoCallHelper:
		err := e.helperCall(s, ins.Imm)
		s.insn++
		return err
	}
	return fail("calls to kernel functions (kfuncs) are not supported here")
}

// helperCall is step 1.
func (e *env) helperCall(s *state, id int32) error {
	p, ok := helperProtos[id]
	if !ok {
		return fail("invalid func unknown#%d", id)
	}
	if !p.allowed(e.opts.ProgType) {
		return fail("program of this type cannot use helper %s#%d", p.name, id)
	}
	var m *maps.Spec
	keyReg := *s.reg(ebpf.R2) // before r1-r5 are clobbered
	mapIdx := -1
	var reserve int
	var released uint32
	for i, a := range p.args {
		regno := uint8(i + 1)
		if a == argNone {
			break
		}
		reg := s.reg(regno)
		if reg.Type == NotInit {
			return fail("R%d !read_ok", regno)
		}
		switch a {
		case argConstMapPtr:
			if reg.Type != ConstPtrToMap {
				return fail("R%d type=%v expected=map_ptr", regno, reg.Type)
			}
			spec := e.mapOf(reg.Map)
			if !p.mapAllowed(spec.Type) {
				return fail("cannot pass map_type %d into func %s#%d", spec.Type, p.name, id)
			}
			m, mapIdx = &spec, reg.Map
		case argMapKey, argMapValue:
			if m == nil {
				return fail("invalid map_ptr to access map->key")
			}
			size := int64(m.KeySize)
			if a == argMapValue {
				size = int64(m.ValueSize)
			}
			if err := e.memArg(s, regno, size, read); err != nil {
				return err
			}
		case argCtx:
			if reg.Type != PtrToCtx {
				return fail("R%d type=%v expected=ctx", regno, reg.Type)
			}
			if v, ok := reg.Num.IsConst(); reg.Off != 0 || !ok || v != 0 {
				return fail("dereference of modified ctx ptr R%d off=%d disallowed", regno, reg.Off)
			}
		case argMem, argMemOrNull, argUninitMem:
			// the bytes are checked with the size, in the next argument
			if !memTypes[reg.Type] && !(a == argMemOrNull && reg.isNull()) {
				return fail("R%d type=%v expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_", regno, reg.Type)
			}
		case argConstSize, argConstSizeOrZero:
			if err := e.sizeArg(s, regno, p.args[i-1], a == argConstSizeOrZero); err != nil {
				return err
			}
		case argAllocSizeOrZero:
			v, ok := reg.isConst()
			if !ok {
				return fail("R%d is not a known constant'", regno)
			}
			reserve = int(v)
		case argRingbufMem:
			if reg.Type != PtrToMem {
				return fail("R%d type=%v expected=ringbuf_mem", regno, reg.Type)
			}
			if reg.Off != 0 {
				return fail("R%d must have zero offset when passed to release func", regno)
			}
			released = reg.Ref
		}
	}
	if released != 0 && !s.release(released) {
		return fail("R1 must be referenced when passed to release function")
	}
	if p.name == "bpf_tail_call" && len(s.refs) > 0 {
		return fail("tail_call would lead to reference leak")
	}
	for r := ebpf.R1; r <= ebpf.R5; r++ {
		*s.reg(uint8(r)) = Reg{}
	}
	if p.pktChanges {
		s.forEachReg(func(x *Reg) {
			if x.Type.isPacket() {
				*x = unknownReg()
			}
		})
	}
	r0 := s.reg(ebpf.R0)
	switch p.ret {
	case retInteger:
		*r0 = unknownReg()
	case retVoid:
		*r0 = Reg{}
	case retMapValueOrNull:
		*r0 = ptrReg(PtrToMapValueOrNull)
		r0.Map = mapIdx
		r0.ID = e.newID()
		if id == 1 && constKeyInArray(s, m, keyReg) {
			*r0 = ptrReg(PtrToMapValue)
			r0.Map = mapIdx
		}
	case retMemOrNull:
		*r0 = ptrReg(PtrToMemOrNull)
		r0.Size = reserve
		r0.ID = e.newID()
		r0.Ref = r0.ID
		s.refs = append(s.refs, ref{id: r0.ID, insn: s.insn})
	}
	return nil
}

// memTypes are the pointers a helper may read or write memory through.
var memTypes = map[RegType]bool{PtrToStack: true, PtrToPacket: true, PtrToPacketMeta: true, PtrToMapValue: true, PtrToMem: true}

// constKeyInArray reports whether a lookup in array map m by the key at
// key (a stack pointer) cannot fail: the key is a known constant below
// max_entries (the kernel's can_elide_value_nullness, for the 4-byte
// keys of arrays). Known keys are all-zero bytes or a spilled constant.
func constKeyInArray(s *state, m *maps.Spec, key Reg) bool {
	if m.Type != maps.Array && m.Type != maps.PerCPUArray || key.Type != PtrToStack {
		return false
	}
	v, ok := key.Num.IsConst()
	if !ok {
		return false
	}
	off := int(int64(key.Off) + int64(v))
	if off < -ebpf.StackSize || off+4 > 0 {
		return false
	}
	f := s.frames[key.Frame]
	markRead(s, key.Frame, off, off+4)
	k, known := uint64(0), true
	slot, b := slotOf(off)
	if sl := &f.stack[slot]; sl.isSpill() && b == 0 && sl.spillSize() >= 4 {
		k, known = sl.spill.isConst()
	} else {
		for i := range 4 {
			sl, bb := slotOf(off + i)
			known = known && f.stack[sl].kind[bb] == stackZero
		}
	}
	return known && uint32(k) < m.MaxEntries
}

// sizeArg checks a size argument and the memory argument before it
// (check_mem_size_reg).
func (e *env) sizeArg(s *state, regno uint8, mem argType, zeroOK bool) error {
	size := s.reg(regno)
	if size.Type != ScalarValue {
		return fail("R%d type=%v expected=scalar", regno, size.Type)
	}
	n := size.Num
	if n.S.min < 0 {
		return fail("R%d min value is negative, either use unsigned or 'var &= const'", regno)
	}
	if n.U.min == 0 && !zeroOK {
		return fail("R%d invalid zero-sized read: u64=[%d,%d]", regno, n.U.min, n.U.max)
	}
	if n.U.max >= maxVarOff {
		return fail("R%d unbounded memory access, use 'var &= const' or 'if (var < const)'", regno)
	}
	ptr := s.reg(regno - 1)
	if mem == argMemOrNull && ptr.isNull() {
		return nil
	}
	if n.U.max == 0 {
		if ptr.Type == NotInit {
			return fail("R%d !read_ok", regno-1)
		}
		return nil
	}
	a := read
	if mem == argUninitMem {
		a = write
	}
	return e.memArg(s, regno-1, int64(n.U.max), a)
}

// memArg checks that register regno points at size bytes a helper may
// read (or write, a == write) (check_helper_mem_access).
func (e *env) memArg(s *state, regno uint8, size int64, a access) error {
	reg := *s.reg(regno)
	switch reg.Type {
	case PtrToStack:
		if reg.Frame >= len(s.frames) {
			panic("BUG: verifier: a stack pointer outlived its frame")
		}
		return e.stackRange(s, reg, regno, size, a)
	case PtrToMapValue:
		m := e.mapOf(reg.Map)
		return regionAccess(reg, regno, 0, int(size), int64(m.ValueSize), "map value, value_size")
	case PtrToMem:
		return regionAccess(reg, regno, 0, int(size), int64(reg.Size), "memory, mem_size")
	case PtrToPacket, PtrToPacketMeta:
		return packetAccess(reg, regno, 0, int(size))
	}
	return fail("R%d type=%v expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_", regno, reg.Type)
}

// stackRange checks size bytes of stack at reg: inside the frame, and
// (for reads) initialised, or, for root, at least not a pointer's bytes
// read as a key. A write leaves the bytes misc.
func (e *env) stackRange(s *state, reg Reg, regno uint8, size int64, a access) error {
	f := s.frames[reg.Frame]
	lo := int64(reg.Off) + reg.Num.S.min
	hi := int64(reg.Off) + reg.Num.S.max + size
	if reg.Num.S.min <= -maxVarOff || reg.Num.S.max >= maxVarOff || lo < -ebpf.StackSize || hi > 0 || size == 0 {
		if _, ok := reg.Num.IsConst(); ok {
			return fail("invalid%s stack R%d off=%d size=%d", a, regno, lo, size)
		}
		return fail("invalid variable-offset%s stack R%d var_off=%s off=%d size=%d", a, regno, tnumStr(reg.Num.Var), reg.Off, size)
	}
	e.noteDepth(s, reg.Frame, int(-lo))
	if a == write {
		f.markBytes(int(lo), int(hi-lo), stackMisc)
		return nil
	}
	markRead(s, reg.Frame, int(lo), int(hi))
	if e.opts.Unprivileged {
		if at, ok := f.stackInitialized(int(lo), int(hi)); !ok {
			return fail("invalid indirect read from stack R%d off %d+%d size %d", regno, lo, int64(at)-lo, size)
		}
	}
	return nil
}

// localCall is step 2's call.
func (e *env) localCall(s *state) error {
	if len(s.frames) >= MaxCallFrames {
		return fail("the call stack of %d frames is too deep", len(s.frames)+1)
	}
	t, _ := e.prog.Target(s.insn)
	caller := s.cur()
	callee := newFrame(len(s.frames), s.insn, t)
	for r := ebpf.R1; r <= ebpf.R5; r++ {
		callee.regs[r] = caller.regs[r]
	}
	e.calls[[2]int{caller.fn, t}]++
	s.frames = append(s.frames, callee)
	s.written[len(s.frames)-1] = ^uint64(0) // a fresh frame (liveness.go, step 4)
	s.insn = t
	return nil
}

// exit is step 2's return, or step 3.
func (e *env) exit(s *state) (bool, error) {
	r0, err := readReg(s, ebpf.R0)
	if err != nil {
		return false, err
	}
	if len(s.frames) > 1 {
		if r0.Type == PtrToStack { // even the caller's: the kernel is conservative
			return false, fail("cannot return stack pointer to the caller")
		}
		ret := *r0
		callee := s.cur()
		s.frames = s.frames[:len(s.frames)-1]
		caller := s.cur()
		for r := ebpf.R1; r <= ebpf.R5; r++ {
			caller.regs[r] = Reg{}
		}
		caller.regs[ebpf.R0] = ret
		s.insn = callee.callsite + 1
		return false, nil
	}
	if r0.Type.IsPointer() && e.opts.Unprivileged {
		return false, fail("R0 leaks addr as return value")
	}
	if len(s.refs) > 0 {
		return false, fail("BPF_EXIT instruction in main prog would lead to reference leak")
	}
	return true, nil
}

// checkStackDepth is step 4 (check_max_stack_depth): the deepest chain of
// calls from the main program.
func (e *env) checkStackDepth() error {
	var walk func(fn, depth, frames int) error
	walk = func(fn, depth, frames int) error {
		depth += roundUp16(e.depth[fn])
		if depth > ebpf.StackSize {
			return e.rejectAt(fn, fmt.Sprintf("combined stack size of %d calls is %d. Too large", frames, depth), nil)
		}
		e.res.MaxDepth = max(e.res.MaxDepth, depth)
		for edge := range e.calls {
			if edge[0] == fn && frames < MaxCallFrames {
				if err := walk(edge[1], depth, frames+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(0, 0, 1)
}

// roundUp16 is the kernel's round_up_stack_depth for a JITed program.
func roundUp16(n int) int { return (n + 15) &^ 15 }
