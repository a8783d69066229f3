package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// elfPatch edits a copy of a valid object in place.
type elfPatch struct {
	t    *testing.T
	data []byte
	f    *elf.File
}

func newPatch(t *testing.T, path string) *elfPatch {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return &elfPatch{t, data, f}
}

// header returns the Elf64_Shdr bytes of section name.
func (p *elfPatch) header(name string) []byte {
	le := binary.LittleEndian
	shoff, shentsize := le.Uint64(p.data[0x28:]), uint64(le.Uint16(p.data[0x3a:]))
	for i, s := range p.f.Sections {
		if s.Name == name {
			off := shoff + uint64(i)*shentsize
			return p.data[off : off+shentsize]
		}
	}
	p.t.Fatalf("no section %q", name)
	return nil
}

// contents returns the bytes of section name.
func (p *elfPatch) contents(name string) []byte {
	s := p.f.Section(name)
	return p.data[s.Offset : s.Offset+s.Size]
}

// symbol returns the index in the ELF symbol table of symbol name.
func (p *elfPatch) symbol(name string) uint32 {
	syms, _ := p.f.Symbols()
	for i, s := range syms {
		if s.Name == name {
			return uint32(i + 1)
		}
	}
	p.t.Fatalf("no symbol %q", name)
	return 0
}

var le = binary.LittleEndian

// TestLoadErrors feeds broken objects and checks that each error names what
// is wrong, and which ones are valid objects we do not support.
func TestLoadErrors(t *testing.T) {
	calls, counter := filepath.Join(testdata, "calls.o"), filepath.Join(testdata, "xdp_counter.o")
	legacy := filepath.Join(testdata, "legacy_maps.o")
	for _, c := range []struct {
		name        string
		file        string
		patch       func(p *elfPatch) []byte
		want        string
		unsupported bool
	}{
		{"truncated file", calls, func(p *elfPatch) []byte { return p.data[:100] }, "loader: ", false},
		{"empty file", calls, func(p *elfPatch) []byte { return nil }, "loader: ", false},
		{"not EM_BPF", calls, func(p *elfPatch) []byte { le.PutUint16(p.data[18:], 62); return p.data }, "want EM_BPF (247)", false},
		{"not ET_REL", calls, func(p *elfPatch) []byte { le.PutUint16(p.data[16:], 2); return p.data }, "want ET_REL", false},
		{"big-endian", "testdata/tc_bpfeb.o", nil, "big-endian object", true},
		{"extern variable", "testdata/extern.o", nil, `symbol "some_setting" is undefined`, true},
		{"truncated code section", calls, func(p *elfPatch) []byte {
			h := p.header("xdp")
			le.PutUint64(h[32:], le.Uint64(h[32:])-4)
			return p.data
		}, `section "xdp": 116 bytes is not a whole number of 8-byte instructions`, false},
		{"function past its section", calls, func(p *elfPatch) []byte {
			h := p.header("xdp")
			le.PutUint64(h[32:], le.Uint64(h[32:])-8)
			return p.data
		}, `function "xdp_clamp_only" [0x30, 0x78) is past the section's end (0x70)`, false},
		{"relocation out of range", calls, func(p *elfPatch) []byte {
			le.PutUint64(p.contents(".relxdp"), 0x10000)
			return p.data
		}, `section ".relxdp": entry 0 (offset 0x10000): offset is not an instruction of "xdp"`, false},
		{"relocation inside an lddw", calls, func(p *elfPatch) []byte {
			le.PutUint64(p.contents(".relxdp")[16:], 0x58)
			return p.data
		}, `slot 11 is the second half of an lddw in function "xdp_clamp_only"`, false},
		{"unknown symbol", calls, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".relxdp")[12:], 0xffff)
			return p.data
		}, "symbol index 65535 outside the symbol table", false},
		{"relocation type", calls, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".relxdp")[8:], 3) // R_BPF_64_ABS32
			return p.data
		}, "entry 0 (offset 0x0): relocation type 3 in code", false},
		{"relocation on an ALU instruction", calls, func(p *elfPatch) []byte {
			le.PutUint64(p.contents(".relxdp"), 8)
			return p.data
		}, `function "xdp_calls" instruction 1: relocation on opcode 0xbc, which is neither lddw nor a call`, false},
		{"call of a variable", calls, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".relxdp")[12:], p.symbol("calls_total"))
			return p.data
		}, `call target "calls_total" is not in a code section`, false},
		{"lddw of the license", calls, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".relxdp")[32+12:], p.symbol("_license"))
			return p.data
		}, `symbol "_license" at "license"+0 is neither a map definition nor global data`, false},
		{"bad call target", calls, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".text")[5*8+4:], 0x7fff) // sum's call of add_len
			return p.data
		}, `function "sum" instruction 5: bad call target: no function of section ".text" contains slot 32773`, false},
		{"call into an lddw", calls, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".text")[5*8+4:], 6) // slot 11 is sum's first lddw, 12 its second half
			return p.data
		}, `bad call target: slot 12 is the second half of an lddw in function "sum"`, false},
		{"legacy maps of two sizes", legacy, func(p *elfPatch) []byte {
			h := p.header("maps")
			le.PutUint64(h[32:], le.Uint64(h[32:])-1)
			return p.data
		}, `section "maps": 39 bytes do not divide into 2 map definitions`, false},
		{"legacy map with unknown fields", legacy, func(p *elfPatch) []byte {
			// Two 20-byte definitions read as one 40-byte one: "flows" must go.
			le.PutUint32(p.contents(".symtab")[24*int(p.symbol("flows"))+6:], 0)
			return p.data
		}, "fields past map_flags are unsupported", true},
		{"BTF magic", counter, func(p *elfPatch) []byte { p.contents(".BTF")[0] = 0; return p.data }, "BTF: bad magic", false},
		{"BTF type section past the end", counter, func(p *elfPatch) []byte {
			le.PutUint32(p.contents(".BTF")[12:], 0x100000)
			return p.data
		}, "BTF: type section", false},
		{"unknown BTF map member", counter, func(p *elfPatch) []byte {
			b := p.contents(".BTF")
			i := bytes.Index(b, []byte("max_entries\x00"))
			b[i+10] = 'z'
			return p.data
		}, `map "proto_count" member "max_entriez": unknown map definition member (unsupported)`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.patch == nil {
				_, err = LoadFile(c.file)
			} else {
				_, err = Load(bytes.NewReader(c.patch(newPatch(t, c.file))))
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if errors.Is(err, ErrUnsupported) != c.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v, want %v", !c.unsupported, c.unsupported)
			}
		})
	}
}
