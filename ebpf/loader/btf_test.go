package loader

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// btfBuilder writes BTF by hand: a string section and type records.
type btfBuilder struct {
	types []byte
	strs  []byte
}

func newBTF() *btfBuilder { return &btfBuilder{strs: []byte{0}} }

// str adds a name and returns its offset.
func (b *btfBuilder) str(s string) uint32 {
	off := uint32(len(b.strs))
	b.strs = append(append(b.strs, s...), 0)
	return off
}

// add appends struct btf_type and the kind's trailer words.
func (b *btfBuilder) add(name string, kind btfKind, vlen int, sizeOrType uint32, trailer ...uint32) *btfBuilder {
	var off uint32
	if name != "" {
		off = b.str(name)
	}
	for _, w := range append([]uint32{off, uint32(kind)<<24 | uint32(vlen), sizeOrType}, trailer...) {
		b.types = binary.LittleEndian.AppendUint32(b.types, w)
	}
	return b
}

func (b *btfBuilder) bytes() []byte {
	h := make([]byte, btfHeaderLen)
	binary.LittleEndian.PutUint16(h, btfMagic)
	h[2] = 1
	binary.LittleEndian.PutUint32(h[4:], btfHeaderLen)
	binary.LittleEndian.PutUint32(h[12:], uint32(len(b.types)))
	binary.LittleEndian.PutUint32(h[16:], uint32(len(b.types)))
	binary.LittleEndian.PutUint32(h[20:], uint32(len(b.strs)))
	return append(append(h, b.types...), b.strs...)
}

func TestBTFSizes(t *testing.T) {
	b := newBTF().
		add("int", kindInt, 0, 4, 32).                     // 1
		add("", kindPtr, 0, 1).                            // 2: int *
		add("", kindArray, 0, 0, 1, 1, 6).                 // 3: int[6]
		add("u32t", kindTypedef, 0, 3).                    // 4: typedef int[6]
		add("", kindConst, 0, 4).                          // 5: const u32t
		add("pair", kindStruct, 2, 16, 0, 1, 0, 0, 2, 64). // 6: struct with two members
		add("loop", kindTypedef, 0, 7).                    // 7: typedef of itself
		add("v", kindVar, 0, 6, 1)                         // 8: var of struct pair
	// Member names of struct pair are offset 0 (anonymous) above.
	spec, err := parseBTF(b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   uint32
		size uint64
		err  string
	}{
		{1, 4, ""}, {2, 8, ""}, {3, 24, ""}, {4, 24, ""}, {5, 24, ""}, {6, 16, ""}, {8, 16, ""},
		{7, 0, "deeper than 32"}, {0, 0, "has no size"}, {99, 0, "type id 99 does not exist"},
	} {
		n, err := spec.sizeof(c.id)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("sizeof(%d): %v, want error %q", c.id, err, c.err)
			}
			continue
		}
		if err != nil || n != c.size {
			t.Errorf("sizeof(%d) = %d, %v; want %d", c.id, n, err, c.size)
		}
	}
	if _, _, err := spec.skipQualifiers(7); err == nil {
		t.Error("skipQualifiers of a typedef cycle did not fail")
	}
}

func TestBTFErrors(t *testing.T) {
	valid := newBTF().add("int", kindInt, 0, 4, 32).bytes()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"short", valid[:10], "shorter than the 24-byte header"},
		{"big-endian", append([]byte{0xeb, 0x9f}, valid[2:]...), "big-endian BTF: unsupported"},
		{"version", append(append([]byte{}, valid[:2]...), append([]byte{2}, valid[3:]...)...), "version 2"},
		{"truncated type", newBTF().add("int", kindInt, 0, 4).bytes(), "type id 1 at offset 0: int \"int\": truncated"},
		{"unknown kind", newBTF().add("x", 31, 0, 4).bytes(), "unknown kind 31"},
		{"struct past the end", newBTF().add("s", kindStruct, 1000, 4).bytes(), "truncated: needs 12012 bytes"},
		{"name offset", func() []byte {
			b := newBTF()
			b.types = binary.LittleEndian.AppendUint32(b.types, 5000)
			b.types = binary.LittleEndian.AppendUint32(b.types, uint32(kindInt)<<24)
			b.types = append(b.types, make([]byte, 8)...)
			return b.bytes()
		}(), "name offset 5000 is past the string section"},
		{"huge array", newBTF().add("int", kindInt, 0, 4, 32).add("", kindArray, 0, 0, 1, 1, 0xffffffff).
			add("", kindArray, 0, 0, 2, 1, 0xffffffff).bytes(), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec, err := parseBTF(c.data)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := spec.sizeof(3); err == nil || !strings.Contains(err.Error(), "too large") {
					t.Errorf("sizeof an array of 2^64 bytes: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if c.name == "big-endian" && !errors.Is(err, ErrUnsupported) {
				t.Error("big-endian BTF is not ErrUnsupported")
			}
		})
	}
}

// TestBTFMapDefs checks the __uint / __type decoding on hand-made types.
func TestBTFMapDefs(t *testing.T) {
	b := newBTF().
		add("int", kindInt, 0, 4, 32).       // 1
		add("", kindArray, 0, 0, 1, 1, 9).   // 2: int[9] (BPF_MAP_TYPE_LRU_HASH)
		add("", kindPtr, 0, 2).              // 3: int (*)[9]
		add("", kindArray, 0, 0, 1, 1, 100). // 4
		add("", kindPtr, 0, 4).              // 5: int (*)[100]
		add("", kindArray, 0, 0, 1, 1, 3).   // 6: int[3], a 12-byte key
		add("", kindPtr, 0, 6).              // 7
		add("", kindPtr, 0, 1)               // 8: int *
	name := func(s string) uint32 { return b.str(s) }
	b.add("def", kindStruct, 4, 32, name("type"), 3, 0, name("max_entries"), 5, 64, name("key"), 7, 128, name("value"), 8, 192) // 9
	b.add("m", kindVar, 0, 9, 1)                                                                                                // 10
	b.add("bad2", kindStruct, 1, 8, name("type"), 8, 0)                                                                         // 11: type is a pointer to int, not to an array
	b.add("m2", kindVar, 0, 11, 1)                                                                                              // 12
	spec, err := parseBTF(b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	def, err := btfMapDef(spec, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := mapSummary(def); got != "m 9 k12 v4 n100 f0x0 init0" {
		t.Errorf("map: %s", got)
	}
	if _, err := btfMapDef(spec, 12); err == nil || !strings.Contains(err.Error(), `map "m2" member "type": a pointer to a int`) {
		t.Errorf("pointer to int as __uint: %v", err)
	}
	if _, err := btfMapDef(spec, 9); err == nil || !strings.Contains(err.Error(), "want a var") {
		t.Errorf("struct as a map variable: %v", err)
	}
}
