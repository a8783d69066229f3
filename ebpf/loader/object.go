package loader

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// ErrUnsupported is wrapped by errors about valid objects that use a
// feature the loader does not implement (big-endian objects, externs, ...).
var ErrUnsupported = errors.New("unsupported")

// FlagRDOnlyProg is BPF_F_RDONLY_PROG: programs may only read the map
// (uapi/linux/bpf.h); set on the .rodata maps.
const FlagRDOnlyProg uint32 = 1 << 7

// Object is an ELF object's programs and maps.
type Object struct {
	Programs []*Program // in section order, then address order
	Maps     []MapDef   // legacy "maps", then ".maps", then global data
	License  string     // the "license" section, without its NUL
	Sections []Section  // every ELF section, in file order, for listings
}

// Program returns the program called name, or nil.
func (o *Object) Program(name string) *Program {
	for _, p := range o.Programs {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// MapIndex returns the index in o.Maps of the map called name, or -1.
func (o *Object) MapIndex(name string) int {
	for i, m := range o.Maps {
		if m.Name == name {
			return i
		}
	}
	return -1
}

// Section is an ELF section header's summary.
type Section struct {
	Name  string
	Type  elf.SectionType
	Flags elf.SectionFlag
	Size  uint64
}

// MapDef is a map definition of the object.
type MapDef struct {
	maps.Spec
	// Section is where the definition was found: "maps", ".maps" or the
	// global-data section whose contents the map's single value is.
	Section string
	// Init is the initial value of a .data or .rodata map (the section's
	// bytes); nil for every other map, .bss included (all zero).
	Init []byte
	// Pinning is the BTF definition's pinning member (1 = LIBBPF_PIN_BY_NAME).
	Pinning uint32
}

// Program is one program, linked: its own instructions, then a copy of
// every subprogram it calls.
type Program struct {
	Name    string // the function's symbol
	Section string // the ELF section, e.g. "xdp" or "kprobe/sys_open"
	Type    ProgType
	Insns   []ebpf.Instruction
	Relocs  []Reloc // by instruction index, ascending
	Funcs   []Func  // where each function starts in Insns; Funcs[0] is the program
}

// Func is a function of a linked program.
type Func struct {
	Name string
	Insn int // index in Program.Insns of its first instruction
}

// RelocKind says what a relocated instruction refers to.
type RelocKind uint8

// Relocation kinds.
const (
	RelocMap      RelocKind = iota + 1 // lddw src=1: the map Object.Maps[Reloc.Map]
	RelocMapValue                      // lddw src=2: byte Reloc.Offset of Object.Maps[Reloc.Map]'s value
	RelocCall                          // call src=1: the function Reloc.Symbol
)

// Reloc is one instruction of a program that names a map, a map value or
// a function.
type Reloc struct {
	Insn   int // index in Program.Insns
	Kind   RelocKind
	Map    int    // index in Object.Maps (RelocMap, RelocMapValue)
	Offset uint32 // offset in the map's value (RelocMapValue)
	Symbol string // the symbol named: a map, a variable, or the callee
}

// LoadFile reads the object at path.
func LoadFile(path string) (*Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	obj, err := Load(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return obj, nil
}

// Load reads an eBPF ELF object (steps 1-6 of the package comment).
func Load(r io.ReaderAt) (*Object, error) {
	if err := checkIdent(r); err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("loader: malformed ELF: %w", err)
	}
	if err := checkHeader(&f.FileHeader); err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	l, err := newObjLoader(f)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	if err := l.load(); err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	if len(l.obj.Programs) == 0 {
		return nil, fmt.Errorf("loader: no programs: no executable section holds instructions outside .text")
	}
	return l.obj, nil
}

// checkHeader accepts 64-bit little-endian relocatable EM_BPF objects.
func checkHeader(h *elf.FileHeader) error {
	switch {
	case h.Class != elf.ELFCLASS64:
		return fmt.Errorf("ELF class %v, want ELFCLASS64", h.Class)
	case h.Data == elf.ELFDATA2MSB:
		return fmt.Errorf("big-endian object (clang -target bpfeb): %w", ErrUnsupported)
	case h.Data != elf.ELFDATA2LSB:
		return fmt.Errorf("ELF data encoding %v, want ELFDATA2LSB", h.Data)
	case h.Machine != elf.EM_BPF:
		return fmt.Errorf("ELF machine %v (%d), want EM_BPF (%d)", h.Machine, uint16(h.Machine), uint16(elf.EM_BPF))
	case h.Type != elf.ET_REL:
		return fmt.Errorf("ELF type %v, want ET_REL (a clang -c object)", h.Type)
	}
	return nil
}

// objLoader holds the state of one Load.
type objLoader struct {
	f      *elf.File
	syms   []elf.Symbol             // syms[i] is ELF symbol i+1
	obj    *Object                  // the result
	mapAt  map[symAt]int            // a map definition's (section, offset) -> index in obj.Maps
	dataOf map[elf.SectionIndex]int // a global-data section -> index in obj.Maps
	funcs  map[elf.SectionIndex][]*function
}

// symAt is a place in a section.
type symAt struct {
	sec elf.SectionIndex
	off uint64
}

func newObjLoader(f *elf.File) (*objLoader, error) {
	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("symbol table: %w", err)
	}
	obj := &Object{}
	for i, s := range f.Sections {
		if i == 0 {
			continue // SHN_UNDEF
		}
		obj.Sections = append(obj.Sections, Section{s.Name, s.Type, s.Flags, s.Size})
	}
	return &objLoader{f: f, syms: syms, obj: obj, mapAt: map[symAt]int{},
		dataOf: map[elf.SectionIndex]int{}, funcs: map[elf.SectionIndex][]*function{}}, nil
}

func (l *objLoader) load() error {
	steps := []func() error{l.readLicense, l.loadMaps, l.loadFunctions, l.applyRelocations, l.resolveCalls, l.linkPrograms}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// readLicense reads the "license" section's NUL-terminated string.
func (l *objLoader) readLicense() error {
	sec := l.f.Section("license")
	if sec == nil {
		return nil
	}
	data, err := sectionData(sec)
	if err != nil {
		return err
	}
	l.obj.License, _, _ = strings.Cut(string(data), "\x00")
	return nil
}

// sectionData reads a section's bytes, naming the section on error.
func sectionData(sec *elf.Section) ([]byte, error) {
	if sec.Type == elf.SHT_NOBITS {
		return nil, fmt.Errorf("section %q has no bytes in the file (SHT_NOBITS)", sec.Name)
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("section %q: %w", sec.Name, err)
	}
	return data, nil
}

// section returns section i, or nil for the special and out-of-range
// indexes.
func (l *objLoader) section(i elf.SectionIndex) *elf.Section {
	if i == elf.SHN_UNDEF || int(i) >= len(l.f.Sections) {
		return nil
	}
	return l.f.Sections[i]
}

// sortedSymbols returns the symbols defined in section i that keep, by
// value.
func (l *objLoader) sortedSymbols(i elf.SectionIndex, keep func(elf.Symbol) bool) []elf.Symbol {
	var out []elf.Symbol
	for _, s := range l.syms {
		if s.Section == i && keep(s) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Value < out[b].Value })
	return out
}
