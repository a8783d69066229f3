package loader

// Map definitions come from three places, collected in libbpf's order
// (bpf_object__init_maps): the legacy "maps" section, the BTF ".maps"
// section, then the global-data sections. Every definition is registered
// at its (section, offset), which is what a relocation's symbol names.

import (
	"debug/elf"
	"fmt"
)

func (l *objLoader) loadMaps() error {
	for _, step := range []func() error{l.loadLegacyMaps, l.loadBTFMaps, l.loadDataMaps} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// addMap appends def and registers it at (sec, off).
func (l *objLoader) addMap(def MapDef, sec elf.SectionIndex, off uint64) error {
	at := symAt{sec, off}
	if prev, dup := l.mapAt[at]; dup {
		return fmt.Errorf("section %q: maps %q and %q are both at offset %d", def.Section, l.obj.Maps[prev].Name, def.Name, off)
	}
	l.mapAt[at] = len(l.obj.Maps)
	l.obj.Maps = append(l.obj.Maps, def)
	return nil
}

// isMapSymbol keeps the named, non-section symbols of a maps section.
func isMapSymbol(s elf.Symbol) bool {
	return elf.ST_TYPE(s.Info) != elf.STT_SECTION && s.Name != ""
}
