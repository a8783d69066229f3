package loader

// The legacy "maps" section: an array of struct bpf_map_def (libbpf's
// bpf_object__init_user_maps),
//
//	struct bpf_map_def { u32 type, key_size, value_size, max_entries, map_flags; };
//
// one per symbol. The definitions all have one size, the section's size
// divided by the number of symbols (loaders such as iproute2 append fields);
// bytes past the five known fields must be zero, as libbpf requires.

import (
	"debug/elf"
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/ebpf/maps"
)

const legacyMapDefLen = 20 // five u32 fields

func (l *objLoader) loadLegacyMaps() error {
	sec := l.f.Section("maps")
	if sec == nil {
		return nil
	}
	idx := sectionIndex(l.f, sec)
	syms := l.sortedSymbols(idx, isMapSymbol)
	if len(syms) == 0 {
		return nil
	}
	data, err := sectionData(sec)
	if err != nil {
		return err
	}
	if len(data)%len(syms) != 0 {
		return fmt.Errorf("section \"maps\": %d bytes do not divide into %d map definitions", len(data), len(syms))
	}
	size := uint64(len(data) / len(syms))
	for _, s := range syms {
		def, err := legacyMapDef(s, data, size)
		if err != nil {
			return fmt.Errorf("section \"maps\": map %q: %w", s.Name, err)
		}
		if err := l.addMap(def, idx, s.Value); err != nil {
			return err
		}
	}
	return nil
}

// legacyMapDef decodes the size-byte definition at symbol s.
func legacyMapDef(s elf.Symbol, data []byte, size uint64) (MapDef, error) {
	if s.Value > uint64(len(data)) || size > uint64(len(data))-s.Value {
		return MapDef{}, fmt.Errorf("definition at offset %d (%d bytes) is past the section's %d bytes", s.Value, size, len(data))
	}
	var field [legacyMapDefLen / 4]uint32
	def := data[s.Value : s.Value+size]
	for i := range field {
		if 4*i+4 <= len(def) {
			field[i] = binary.LittleEndian.Uint32(def[4*i:])
		}
	}
	for i := legacyMapDefLen; i < len(def); i++ {
		if def[i] != 0 {
			return MapDef{}, fmt.Errorf("byte %d of the %d-byte definition is not zero: fields past map_flags are %w", i, len(def), ErrUnsupported)
		}
	}
	return MapDef{Section: "maps", Spec: maps.Spec{Name: s.Name, Type: maps.Type(field[0]), KeySize: field[1],
		ValueSize: field[2], MaxEntries: field[3], Flags: field[4]}}, nil
}

// sectionIndex is the index of sec in f.Sections.
func sectionIndex(f *elf.File, sec *elf.Section) elf.SectionIndex {
	for i, s := range f.Sections {
		if s == sec {
			return elf.SectionIndex(i)
		}
	}
	return elf.SHN_UNDEF
}
