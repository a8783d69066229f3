package verifier

// Register state: what the verifier knows about one register (the
// kernel's struct bpf_reg_state).
//
//  1. Type says what the register holds: nothing yet, a number, or a
//     pointer into one kind of memory. Each pointer type has its own
//     access rules (mem_access.go) and arithmetic rules (ptr_alu.go).
//  2. A scalar's value is Num. A pointer's offset from the start of its
//     object is Off (known, fixed) plus Num (the variable part: the
//     kernel's var_off and bounds), so that a pointer advanced by a
//     constant stays exact and one advanced by a bounded index keeps the
//     index's bounds.
//  3. ID links registers that must be treated together: copies of one
//     map_value_or_null (a null check on one decides them all), packet
//     pointers with the same variable offset (a comparison against
//     pkt_end proves Range for all of them), and copies of one scalar (a
//     branch on one bounds the others: the kernel's find_equal_scalars).
//  4. Ref names a reference the program holds and must release: a ring
//     buffer reservation (the kernel's ref_obj_id).

import (
	"fmt"
	"strings"
)

// RegType is the kind of value a register holds (enum bpf_reg_type).
type RegType uint8

// Register types.
const (
	NotInit             RegType = iota // never written: reading it is an error
	ScalarValue                        // a number
	PtrToCtx                           // the program's context (xdp_md, __sk_buff)
	PtrToStack                         // a frame's stack (fp)
	ConstPtrToMap                      // a map, for the map helpers
	PtrToMapValue                      // a map value
	PtrToMapValueOrNull                // a map lookup's result before its null check
	PtrToPacket                        // packet data
	PtrToPacketEnd                     // one past the packet's last byte
	PtrToPacketMeta                    // the metadata in front of the packet (XDP)
	PtrToMem                           // a ring buffer reservation
	PtrToMemOrNull                     // bpf_ringbuf_reserve's result before its null check
)

var regTypeNames = [...]string{
	NotInit: "?", ScalarValue: "scalar", PtrToCtx: "ctx", PtrToStack: "fp", ConstPtrToMap: "map_ptr",
	PtrToMapValue: "map_value", PtrToMapValueOrNull: "map_value_or_null", PtrToPacket: "pkt",
	PtrToPacketEnd: "pkt_end", PtrToPacketMeta: "pkt_meta", PtrToMem: "ringbuf_mem",
	PtrToMemOrNull: "ringbuf_mem_or_null",
}

// String is the kernel's name of the type (reg_type_str).
func (t RegType) String() string {
	if int(t) < len(regTypeNames) {
		return regTypeNames[t]
	}
	return fmt.Sprintf("regtype(%d)", uint8(t))
}

// IsPointer reports whether t is any pointer type.
func (t RegType) IsPointer() bool { return t > ScalarValue }

// MaybeNull reports whether t may be NULL (must be checked first).
func (t RegType) MaybeNull() bool { return t == PtrToMapValueOrNull || t == PtrToMemOrNull }

// NeverNull reports whether the verifier decides a comparison of a t with
// 0 (reg_not_null): map values, map pointers and ring buffer memory. A
// context, stack or packet pointer is never 0 either at run time, but
// Linux explores both edges of such a comparison, and so do we: deciding
// it would skip a path Linux checks, and accept what Linux refuses.
func (t RegType) NeverNull() bool {
	return t == PtrToMapValue || t == ConstPtrToMap || t == PtrToMem
}

// nonNull is t after a successful null check.
func (t RegType) nonNull() RegType {
	switch t {
	case PtrToMapValueOrNull:
		return PtrToMapValue
	case PtrToMemOrNull:
		return PtrToMem
	}
	return t
}

func (t RegType) isPacket() bool {
	return t == PtrToPacket || t == PtrToPacketMeta || t == PtrToPacketEnd
}

// Reg is one register's abstract value.
type Reg struct {
	Type  RegType
	Num   Scalar // a scalar's value; a pointer's variable offset
	Off   int32  // a pointer's fixed offset
	Map   int    // map pointers and values: index in Options.Maps
	Size  int    // PtrToMem: bytes reserved
	Range int32  // packet pointers: bytes from Off 0 proved inside the packet
	ID    uint32 // see step 3
	Ref   uint32 // see step 4
	Frame int    // PtrToStack: the frame whose stack it points into
}

func scalarReg(s Scalar) Reg { return Reg{Type: ScalarValue, Num: s} }
func unknownReg() Reg        { return scalarReg(UnknownScalar()) }
func constReg(v uint64) Reg  { return scalarReg(ConstScalar(v)) }
func ptrReg(t RegType) Reg   { return Reg{Type: t, Num: ConstScalar(0)} }

// isConst reports whether r is a known number.
func (r Reg) isConst() (uint64, bool) {
	if r.Type != ScalarValue {
		return 0, false
	}
	return r.Num.IsConst()
}

func (r Reg) isNull() bool {
	v, ok := r.isConst()
	return ok && v == 0
}

// String prints r as the kernel's verifier log does (print_verifier_state).
func (r Reg) String() string {
	switch r.Type {
	case NotInit:
		return "?"
	case ScalarValue:
		return r.scalarString()
	case PtrToStack:
		if v, ok := r.Num.IsConst(); ok {
			return fmt.Sprintf("fp%d", int64(r.Off)+int64(v))
		}
	}
	var parts []string
	if r.ID != 0 {
		parts = append(parts, fmt.Sprintf("id=%d", r.ID))
	}
	if r.Ref != 0 {
		parts = append(parts, fmt.Sprintf("ref_obj_id=%d", r.Ref))
	}
	if r.Off != 0 {
		parts = append(parts, fmt.Sprintf("off=%d", r.Off))
	}
	if r.Type.isPacket() && r.Type != PtrToPacketEnd {
		parts = append(parts, fmt.Sprintf("r=%d", r.Range))
	}
	if r.Type == PtrToMem || r.Type == PtrToMemOrNull {
		parts = append(parts, fmt.Sprintf("size=%d", r.Size))
	}
	if _, ok := r.Num.IsConst(); !ok {
		parts = append(parts, r.Num.bounds()...)
	}
	return fmt.Sprintf("%v(%s)", r.Type, strings.Join(parts, ","))
}

func (r Reg) scalarString() string {
	if v, ok := r.Num.IsConst(); ok {
		return fmt.Sprint(int64(v))
	}
	b := r.Num.bounds()
	if r.ID != 0 {
		b = append([]string{fmt.Sprintf("id=%d", r.ID)}, b...)
	}
	return "scalar(" + strings.Join(b, ",") + ")"
}

// bounds lists the descriptions of s that say something.
func (s Scalar) bounds() []string {
	var out []string
	add := func(cond bool, f string, v any) {
		if cond {
			out = append(out, fmt.Sprintf(f, v))
		}
	}
	add(s.S.min != fullS.min, "smin=%d", s.S.min)
	add(s.S.max != fullS.max, "smax=%d", s.S.max)
	add(s.U.min != 0, "umin=%d", s.U.min)
	add(s.U.max != fullU.max, "umax=%d", s.U.max)
	add(s.S32.min != fullS32.min, "smin32=%d", s.S32.min)
	add(s.S32.max != fullS32.max, "smax32=%d", s.S32.max)
	add(s.U32.min != 0, "umin32=%d", s.U32.min)
	add(s.U32.max != fullU32.max, "umax32=%d", s.U32.max)
	add(!s.Var.IsUnknown(), "var_off=%v", s.Var)
	return out
}
