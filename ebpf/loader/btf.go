package loader

// A minimal BTF reader: the .BTF section's header, type section and string
// section (Linux Documentation/bpf/btf.rst §2), enough to walk the
// BTF-defined maps of a ".maps" section.
//
//  1. The header (struct btf_header, 24 bytes): magic 0xeB9F, version 1,
//     flags, hdr_len, then type_off/type_len and str_off/str_len, both
//     relative to the end of the header.
//  2. The type section: btf_type records one after the other; the first
//     is type id 1 (id 0 is void). Each record's length follows from its
//     kind and vlen (btfTrailer), so the section is walked once.
//  3. The string section: NUL-terminated names, addressed by name_off.
//
// Sizes (btfSpec.sizeof) follow btf.rst's rules: a pointer is 8 bytes, an
// array nelems elements, typedefs, qualifiers and vars the size of what
// they name. Walks are bounded (maxBTFDepth) so a cyclic type graph in a
// hostile file ends with an error instead of a hang.

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	btfMagic      = 0xeb9f
	btfHeaderLen  = 24
	btfTypeLen    = 12 // struct btf_type
	maxBTFDepth   = 32 // typedef/qualifier chains longer than this are refused
	ptrSize       = 8
	maxBTFObjSize = 1 << 32
)

// btfSpec is the decoded type section; types[id] is type id (types[0] is
// void).
type btfSpec struct {
	types []btfType
}

// parseBTF decodes a .BTF section.
func parseBTF(data []byte) (*btfSpec, error) {
	if len(data) < btfHeaderLen {
		return nil, fmt.Errorf("BTF: %d bytes, shorter than the %d-byte header", len(data), btfHeaderLen)
	}
	le := binary.LittleEndian
	switch le.Uint16(data) {
	case btfMagic:
	case 0x9feb:
		return nil, fmt.Errorf("BTF: big-endian BTF: %w", ErrUnsupported)
	default:
		return nil, fmt.Errorf("BTF: bad magic %#04x, want %#04x", le.Uint16(data), btfMagic)
	}
	if v := data[2]; v != 1 {
		return nil, fmt.Errorf("BTF: version %d, want 1", v)
	}
	hdrLen := uint64(le.Uint32(data[4:]))
	if hdrLen < btfHeaderLen || hdrLen > uint64(len(data)) {
		return nil, fmt.Errorf("BTF: header length %d outside %d-%d", hdrLen, btfHeaderLen, len(data))
	}
	body := data[hdrLen:]
	typeSec, err := btfSubsection(body, "type", le.Uint32(data[8:]), le.Uint32(data[12:]))
	if err != nil {
		return nil, err
	}
	strSec, err := btfSubsection(body, "string", le.Uint32(data[16:]), le.Uint32(data[20:]))
	if err != nil {
		return nil, err
	}
	return parseBTFTypes(typeSec, strSec)
}

// btfSubsection is body[off:off+n], checked.
func btfSubsection(body []byte, what string, off, n uint32) ([]byte, error) {
	if uint64(off)+uint64(n) > uint64(len(body)) {
		return nil, fmt.Errorf("BTF: %s section [%d, %d) is past the end of the data (%d bytes)", what, off, uint64(off)+uint64(n), len(body))
	}
	return body[off : off+n], nil
}

// parseBTFTypes walks the type section record by record.
func parseBTFTypes(sec, strs []byte) (*btfSpec, error) {
	s := &btfSpec{types: []btfType{{name: "void"}}}
	for off := 0; off < len(sec); {
		t, n, err := parseBTFType(sec[off:], strs)
		if err != nil {
			return nil, fmt.Errorf("BTF: type id %d at offset %d: %w", len(s.types), off, err)
		}
		s.types = append(s.types, t)
		off += n
	}
	return s, nil
}

// parseBTFType decodes one record and returns its length.
func parseBTFType(b, strs []byte) (btfType, int, error) {
	if len(b) < btfTypeLen {
		return btfType{}, 0, fmt.Errorf("truncated: %d bytes left, a type needs %d", len(b), btfTypeLen)
	}
	le := binary.LittleEndian
	info := le.Uint32(b[4:])
	t := btfType{kind: btfKind(info >> 24 & 0x1f), vlen: int(info & 0xffff)}
	name, err := btfString(strs, le.Uint32(b))
	if err != nil {
		return t, 0, err
	}
	t.name = name
	if t.kind.hasTypeRef() {
		t.typ = le.Uint32(b[8:])
	} else {
		t.size = le.Uint32(b[8:])
	}
	fixed, per, ok := btfTrailer(t.kind)
	if !ok {
		return t, 0, fmt.Errorf("unknown kind %d", t.kind)
	}
	n := btfTypeLen + fixed + per*t.vlen
	if len(b) < n {
		return t, 0, fmt.Errorf("%s %q: truncated: needs %d bytes, %d left", t.kind, t.name, n, len(b))
	}
	return t, n, t.decodeTrailer(b[btfTypeLen:n], strs)
}

// decodeTrailer reads the entries that follow struct btf_type.
func (t *btfType) decodeTrailer(b, strs []byte) error {
	le := binary.LittleEndian
	switch t.kind {
	case kindArray:
		t.array = btfArray{le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[8:])}
	case kindStruct, kindUnion:
		for i := 0; i < t.vlen; i++ {
			e := b[i*12:]
			name, err := btfString(strs, le.Uint32(e))
			if err != nil {
				return fmt.Errorf("%s %q member %d: %w", t.kind, t.name, i, err)
			}
			t.members = append(t.members, btfMember{name: name, typ: le.Uint32(e[4:]), offset: le.Uint32(e[8:])})
		}
	case kindDatasec:
		for i := 0; i < t.vlen; i++ {
			e := b[i*12:]
			t.members = append(t.members, btfMember{typ: le.Uint32(e), offset: le.Uint32(e[4:]), size: le.Uint32(e[8:])})
		}
	}
	return nil
}

// btfString is the NUL-terminated string at off.
func btfString(strs []byte, off uint32) (string, error) {
	if uint64(off) >= uint64(len(strs)) {
		if off == 0 {
			return "", nil
		}
		return "", fmt.Errorf("name offset %d is past the string section (%d bytes)", off, len(strs))
	}
	for i := int(off); i < len(strs); i++ {
		if strs[i] == 0 {
			return string(strs[off:i]), nil
		}
	}
	return "", fmt.Errorf("name at offset %d is not NUL-terminated", off)
}

// typ returns type id, or an error naming the id when it does not exist.
func (s *btfSpec) typ(id uint32) (*btfType, error) {
	if uint64(id) >= uint64(len(s.types)) {
		return nil, fmt.Errorf("BTF: type id %d does not exist (%d types)", id, len(s.types)-1)
	}
	return &s.types[id], nil
}

// skipQualifiers follows typedefs, const, volatile, restrict and type tags
// to the type they name.
func (s *btfSpec) skipQualifiers(id uint32) (uint32, *btfType, error) {
	for range maxBTFDepth {
		t, err := s.typ(id)
		if err != nil {
			return 0, nil, err
		}
		switch t.kind {
		case kindTypedef, kindConst, kindVolatile, kindRestrict, kindTypeTag:
			id = t.typ
		default:
			return id, t, nil
		}
	}
	return 0, nil, fmt.Errorf("BTF: type id %d: qualifier chain longer than %d", id, maxBTFDepth)
}

var errBTFDepth = errors.New("BTF: type nesting deeper than 32 (a cycle?)")

// sizeof is the size in bytes of type id.
func (s *btfSpec) sizeof(id uint32) (uint64, error) { return s.sizeAt(id, 0) }

func (s *btfSpec) sizeAt(id uint32, depth int) (uint64, error) {
	if depth > maxBTFDepth {
		return 0, errBTFDepth
	}
	t, err := s.typ(id)
	if err != nil {
		return 0, err
	}
	switch t.kind {
	case kindInt, kindStruct, kindUnion, kindEnum, kindEnum64, kindFloat, kindDatasec:
		return uint64(t.size), nil
	case kindPtr:
		return ptrSize, nil
	case kindTypedef, kindConst, kindVolatile, kindRestrict, kindTypeTag, kindVar:
		return s.sizeAt(t.typ, depth+1)
	case kindArray:
		n, err := s.sizeAt(t.array.elem, depth+1)
		if err != nil {
			return 0, err
		}
		if n != 0 && uint64(t.array.nelems) > maxBTFObjSize/n {
			return 0, fmt.Errorf("BTF: array type id %d: %d elements of %d bytes is too large", id, t.array.nelems, n)
		}
		return n * uint64(t.array.nelems), nil
	}
	return 0, fmt.Errorf("BTF: type id %d (%s %q) has no size", id, t.kind, t.name)
}

// datasec finds the DATASEC type called name.
func (s *btfSpec) datasec(name string) (*btfType, bool) {
	for i := range s.types {
		if s.types[i].kind == kindDatasec && s.types[i].name == name {
			return &s.types[i], true
		}
	}
	return nil, false
}
