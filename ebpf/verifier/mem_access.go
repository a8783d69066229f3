package verifier

// Loads, stores and atomics (the kernel's check_mem_access and its
// per-type checks). The address is a register plus the instruction's
// offset; what may be accessed depends on the register's type:
//
//  1. stack (fp): inside [-512, 0) of the frame it points to, aligned to
//     the access size (the kernel is strict about stack alignment);
//     stack.go says what a load gives and a store leaves.
//  2. map value: inside [0, value_size) for every value of the variable
//     offset, which must be non-negative and bounded; no writes to maps
//     programs may only read (BPF_F_RDONLY_PROG).
//  3. ring buffer memory: inside the size reserved.
//  4. packet and packet metadata: inside the range proved by comparisons
//     with pkt_end (jumps.go); the variable offset non-negative and below
//     MAX_PACKET_OFF.
//  5. context: at a fixed offset only, and only the fields the program
//     type allows (ctx_access.go); loading data, data_end or data_meta
//     gives the packet pointers.
//  6. Anything else (a number, pkt_end, a map, a pointer that may be
//     NULL) is refused: "R1 invalid mem access 'scalar'".
//
// A load gives a number zero-extended from the access size (or, from a
// spill, the spilled register); sign-extending loads an unknown number.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// maxPacketOff is MAX_PACKET_OFF.
const maxPacketOff = 0xffff

type access int

const (
	read access = iota
	write
)

func (a access) String() string {
	if a == write {
		return " write to"
	}
	return " read from"
}

func (e *env) load(s *state, ins ebpf.Instruction) error {
	if _, err := readReg(s, ins.Src); err != nil {
		return err
	}
	size := ins.Size().Bytes()
	val, err := e.access(s, ins.Src, int(ins.Offset), size, read, nil)
	if err != nil {
		return err
	}
	if ins.Mode() == ebpf.ModeMEMSX && val.Type == ScalarValue {
		val = signExtended(val, size)
	}
	*s.reg(ins.Dst) = val
	return nil
}

// signExtended is a sign-extending load's result: the constant extended,
// or an unknown number in the size's signed range.
func signExtended(r Reg, size int) Reg {
	if v, ok := r.Num.IsConst(); ok {
		sh := 64 - 8*size
		return constReg(uint64(int64(v<<sh) >> sh))
	}
	if size == 8 {
		return r
	}
	n := UnknownScalar()
	half := int64(1) << (8*size - 1)
	n.S = srange{-half, half - 1}
	n.Sync()
	return scalarReg(n)
}

func (e *env) store(s *state, ins ebpf.Instruction) error {
	if _, err := readReg(s, ins.Dst); err != nil {
		return err
	}
	if ins.Mode() == ebpf.ModeATOMIC {
		return e.atomic(s, ins)
	}
	var val Reg
	if ins.Class() == ebpf.ClassSTX {
		r, err := readReg(s, ins.Src)
		if err != nil {
			return err
		}
		val = *r
	} else {
		val = constReg(uint64(int64(ins.Imm)))
	}
	_, err := e.access(s, ins.Dst, int(ins.Offset), ins.Size().Bytes(), write, &val)
	return err
}

// atomic checks an atomic read-modify-write: it reads and writes the
// memory; fetching forms load into src (cmpxchg into r0).
func (e *env) atomic(s *state, ins ebpf.Instruction) error {
	src, err := readReg(s, ins.Src)
	if err != nil {
		return err
	}
	op := ebpf.AtomicOp(ins.Imm)
	if op == ebpf.AtomicCmpXchg {
		if _, err := readReg(s, ebpf.R0); err != nil {
			return err
		}
	}
	if src.Type.IsPointer() && e.opts.Unprivileged {
		return fail("R%d leaks addr into mem", ins.Src)
	}
	switch t := s.reg(ins.Dst).Type; t {
	case PtrToCtx, PtrToPacket, PtrToPacketMeta:
		return fail("BPF_ATOMIC stores into R%d %v is not allowed", ins.Dst, t)
	}
	size := ins.Size().Bytes()
	old, err := e.access(s, ins.Dst, int(ins.Offset), size, read, nil)
	if err != nil {
		return err
	}
	if old.Type.IsPointer() {
		return fail("R%d atomic on spilled pointer is not allowed", ins.Dst)
	}
	// nil: the store writes bytes, not a register (no spill)
	if _, err := e.access(s, ins.Dst, int(ins.Offset), size, write, nil); err != nil {
		return err
	}
	switch {
	case op == ebpf.AtomicCmpXchg:
		*s.reg(ebpf.R0) = sizedUnknown(size)
	case op&ebpf.AtomicFetch != 0:
		*s.reg(ins.Src) = sizedUnknown(size)
	}
	return nil
}

// access checks an access of size bytes at register regno + off and
// returns what a load gives; val is what a store writes.
func (e *env) access(s *state, regno uint8, off, size int, a access, val *Reg) (Reg, error) {
	reg := *s.reg(regno)
	if a == write && val != nil && val.Type.IsPointer() && e.opts.Unprivileged && reg.Type != PtrToStack {
		return Reg{}, fail("R%d leaks addr into %v", regno, reg.Type)
	}
	switch reg.Type {
	case PtrToStack:
		if reg.Frame >= len(s.frames) {
			panic("BUG: verifier: a stack pointer outlived its frame")
		}
		return e.stackAccess(s, reg, regno, off, size, a, val)
	case PtrToMapValue:
		m := e.opts.Maps[reg.Map]
		if a == write && m.Flags&loader.FlagRDOnlyProg != 0 {
			return Reg{}, fail("write into map forbidden, value_size=%d off=%d size=%d", m.ValueSize, int(reg.Off)+off, size)
		}
		if err := regionAccess(reg, regno, off, size, int64(m.ValueSize), "map value, value_size"); err != nil {
			return Reg{}, err
		}
		return sizedUnknown(size), nil
	case PtrToMem:
		if err := regionAccess(reg, regno, off, size, int64(reg.Size), "memory, mem_size"); err != nil {
			return Reg{}, err
		}
		return sizedUnknown(size), nil
	case PtrToPacket, PtrToPacketMeta:
		if err := packetAccess(reg, regno, off, size); err != nil {
			return Reg{}, err
		}
		return sizedUnknown(size), nil
	case PtrToCtx:
		return e.ctxAccess(reg, regno, off, size, a)
	}
	return Reg{}, fail("R%d invalid mem access '%v'", regno, reg.Type)
}

// regionAccess is steps 2-3: [off, off+size) at every offset reg may have
// inside [0, limit).
func regionAccess(reg Reg, regno uint8, off, size int, limit int64, what string) error {
	n := reg.Num
	if n.S.min < 0 {
		return fail("R%d min value is negative, either use unsigned index or do a if (index >=0) check.", regno)
	}
	if n.U.max >= maxVarOff {
		return fail("R%d unbounded memory access, make sure to bounds check any such access", regno)
	}
	lo := int64(reg.Off) + int64(off) + n.S.min
	hi := int64(reg.Off) + int64(off) + int64(n.U.max)
	if lo < 0 {
		return fail("invalid access to %s=%d off=%d size=%d", what, limit, lo, size)
	}
	if hi+int64(size) > limit {
		return fail("invalid access to %s=%d off=%d size=%d", what, limit, hi, size)
	}
	return nil
}

// packetAccess is step 4.
func packetAccess(reg Reg, regno uint8, off, size int) error {
	if reg.Num.S.min < 0 {
		return fail("R%d min value is negative, either use unsigned index or do a if (index >=0) check.", regno)
	}
	o := int64(reg.Off) + int64(off)
	if reg.Num.U.max > maxPacketOff || int64(reg.Num.U.max)+o > maxPacketOff {
		return fail("R%d unbounded memory access, make sure to bounds check any such access", regno)
	}
	if o < 0 || o+int64(size) > int64(reg.Range) {
		return fail("invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)", o, size, regno, reg.ID, o, reg.Range)
	}
	return nil
}

// stackAccess is step 1.
func (e *env) stackAccess(s *state, reg Reg, regno uint8, off, size int, a access, val *Reg) (Reg, error) {
	f := s.frames[reg.Frame]
	at := reg.Num.Var.Add(Const(uint64(int64(reg.Off) + int64(off))))
	if !at.IsAligned(uint64(size)) {
		return Reg{}, fail("misaligned stack access off %s+%d+%d size %d", tnumStr(reg.Num.Var), reg.Off, off, size)
	}
	base := int64(reg.Off) + int64(off)
	v, fixed := reg.Num.IsConst()
	if fixed {
		o := base + int64(v)
		if o < -ebpf.StackSize || o+int64(size) > 0 {
			return Reg{}, fail("invalid%s stack R%d off=%d size=%d", a, regno, o, size)
		}
		e.noteDepth(s, reg.Frame, int(-o))
		if a == write && val != nil && val.Type == PtrToStack && val.Frame > reg.Frame {
			// it would outlive the frame it points into
			return Reg{}, fail("cannot spill pointers to stack into stack frame of the caller")
		}
		if a == write {
			if err := f.stackWrite(int(o), size, val, !e.opts.Unprivileged); err != nil {
				return Reg{}, err
			}
			if size == 8 {
				markWritten(s, reg.Frame, int(o))
			}
			return Reg{}, nil
		}
		markRead(s, reg.Frame, int(o), int(o)+size)
		return f.stackRead(int(o), size, e.opts.Unprivileged)
	}
	lo, hi := base+reg.Num.S.min, base+reg.Num.S.max
	if reg.Num.S.min <= -maxVarOff || reg.Num.S.max >= maxVarOff || lo < -ebpf.StackSize || hi+int64(size) > 0 {
		return Reg{}, fail("invalid variable-offset%s stack R%d var_off=%s off=%d size=%d", a, regno, tnumStr(reg.Num.Var), base, size)
	}
	e.noteDepth(s, reg.Frame, int(-lo))
	if a == write {
		if val != nil && val.Type.IsPointer() && e.opts.Unprivileged {
			return Reg{}, fail("spilled ptr in range of var-offset stack write; insn %d", e.insnIdx)
		}
		f.markBytes(int(lo), int(hi-lo)+size, stackMisc)
		return Reg{}, nil
	}
	if e.opts.Unprivileged {
		if at, ok := f.stackInitialized(int(lo), int(hi)+size); !ok {
			return Reg{}, fail("invalid read from stack R%d var_off %v+%d size %d", regno, reg.Num.Var, at, size)
		}
	}
	markRead(s, reg.Frame, int(lo), int(hi)+size)
	return sizedUnknown(size), nil
}

// tnumStr prints t as the kernel's tnum_strn: a constant in decimal.
func tnumStr(t Tnum) string {
	if t.IsConst() {
		return fmt.Sprint(int64(t.Value))
	}
	return fmt.Sprintf("(%#x; %#x)", t.Value, t.Mask)
}

// noteDepth records that the function of frame fr uses depth bytes.
func (e *env) noteDepth(s *state, fr, depth int) {
	fn := s.frames[fr].fn
	if depth > e.depth[fn] {
		e.depth[fn] = depth
	}
}

// mapOf is the spec of map i (checked to exist by checkPseudo).
func (e *env) mapOf(i int) maps.Spec { return e.opts.Maps[i] }
