package loader

// The BTF type records this loader reads (Linux Documentation/bpf/btf.rst,
// "2. BTF Type and String Encoding"). Every record starts with struct
// btf_type: name_off, info (vlen in bits 0-15, kind in bits 24-28,
// kind_flag in bit 31) and a union of size and type; some kinds are
// followed by vlen (or one) kind-specific entries, whose sizes are in
// btfTrailer.

import "fmt"

// btfKind is BTF_KIND_*.
type btfKind uint8

// The kinds of uapi/linux/btf.h.
const (
	kindInt      btfKind = 1
	kindPtr      btfKind = 2
	kindArray    btfKind = 3
	kindStruct   btfKind = 4
	kindUnion    btfKind = 5
	kindEnum     btfKind = 6
	kindFwd      btfKind = 7
	kindTypedef  btfKind = 8
	kindVolatile btfKind = 9
	kindConst    btfKind = 10
	kindRestrict btfKind = 11
	kindFunc     btfKind = 12
	kindProto    btfKind = 13
	kindVar      btfKind = 14
	kindDatasec  btfKind = 15
	kindFloat    btfKind = 16
	kindDeclTag  btfKind = 17
	kindTypeTag  btfKind = 18
	kindEnum64   btfKind = 19
)

var btfKindNames = [...]string{"void", "int", "ptr", "array", "struct", "union", "enum", "fwd", "typedef",
	"volatile", "const", "restrict", "func", "func_proto", "var", "datasec", "float", "decl_tag", "type_tag", "enum64"}

func (k btfKind) String() string {
	if int(k) < len(btfKindNames) {
		return btfKindNames[k]
	}
	return fmt.Sprintf("kind%d", k)
}

// btfTrailer is the bytes that follow struct btf_type for a kind with vlen
// entries: fixed bytes, plus vlen times perEntry; ok is false for a kind
// this parser does not know.
func btfTrailer(k btfKind) (fixed, perEntry int, ok bool) {
	switch k {
	case kindInt, kindVar, kindDeclTag:
		return 4, 0, true
	case kindArray:
		return 12, 0, true
	case kindStruct, kindUnion, kindDatasec, kindEnum64:
		return 0, 12, true
	case kindEnum, kindProto:
		return 0, 8, true
	case kindPtr, kindFwd, kindTypedef, kindVolatile, kindConst, kindRestrict, kindFunc, kindFloat, kindTypeTag:
		return 0, 0, true
	}
	return 0, 0, false
}

// btfType is one decoded type record: what the map-definition walk needs.
type btfType struct {
	name    string
	kind    btfKind
	vlen    int
	size    uint32 // the size/type union: a size for int, struct, union, enum, float, datasec
	typ     uint32 // ... and a type id for ptr, typedef, qualifiers, var, func
	array   btfArray
	members []btfMember // struct and union members; datasec entries (type, offset, size)
}

// btfArray is struct btf_array.
type btfArray struct {
	elem, index, nelems uint32
}

// btfMember is struct btf_member (name, type, bit offset) for structs and
// unions, and struct btf_var_secinfo (type, offset, size) for datasecs.
type btfMember struct {
	name   string
	typ    uint32
	offset uint32
	size   uint32 // datasec entries only
}

// hasTypeRef reports whether the size/type union of kind k is a type id.
func (k btfKind) hasTypeRef() bool {
	switch k {
	case kindPtr, kindTypedef, kindVolatile, kindConst, kindRestrict, kindFunc, kindVar, kindTypeTag, kindDeclTag:
		return true
	}
	return false
}
