package loader

// Global data (libbpf's bpf_object__init_global_data_maps): each .data*,
// .rodata* and .bss* section becomes an array map with one entry whose
// value is the whole section, initialised with the section's bytes (zero
// for .bss). Programs reach a variable through an lddw of src=2
// (BPF_PSEUDO_MAP_VALUE): the map, and the variable's offset in the value.
// .rodata* maps are read-only to programs (BPF_F_RDONLY_PROG), which lets
// the verifier treat `const volatile` configuration as constants once user
// space has written and frozen the map.

import (
	"debug/elf"
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf/maps"
)

// maxDataSection bounds a global-data section (a map value the kernel
// could create: KMALLOC_MAX_SIZE-sized values are refused anyway).
const maxDataSection = 1 << 30

func (l *objLoader) loadDataMaps() error {
	for i, sec := range l.f.Sections {
		if !isDataSection(sec) {
			continue
		}
		def, err := dataMapDef(sec)
		if err != nil {
			return err
		}
		l.dataOf[elf.SectionIndex(i)] = len(l.obj.Maps)
		if err := l.addMap(def, elf.SectionIndex(i), 0); err != nil {
			return err
		}
	}
	return nil
}

// dataMapDef is the array map of one global-data section.
func dataMapDef(sec *elf.Section) (MapDef, error) {
	if sec.Size > maxDataSection {
		return MapDef{}, fmt.Errorf("section %q: %d bytes of global data, more than %d", sec.Name, sec.Size, maxDataSection)
	}
	def := MapDef{Section: sec.Name, Spec: maps.Spec{Name: sec.Name, Type: maps.Array, KeySize: 4,
		ValueSize: uint32(sec.Size), MaxEntries: 1}}
	if strings.HasPrefix(sec.Name, ".rodata") {
		def.Flags = FlagRDOnlyProg
	}
	if sec.Type == elf.SHT_NOBITS {
		return def, nil
	}
	data, err := sectionData(sec)
	if err != nil {
		return MapDef{}, err
	}
	def.Init = data
	return def, nil
}

// isDataSection reports whether a section holds global data that becomes
// an array map: .data, .bss, .rodata and their ".name" variants (libbpf's
// SEC_DATA, SEC_BSS, SEC_RODATA).
func isDataSection(sec *elf.Section) bool {
	for _, p := range []string{".data", ".bss", ".rodata"} {
		if sec.Name == p || strings.HasPrefix(sec.Name, p+".") {
			return sec.Type == elf.SHT_PROGBITS || sec.Type == elf.SHT_NOBITS
		}
	}
	return false
}
