package loader

// BTF-defined maps (libbpf's bpf_object__init_user_btf_maps): the ".maps"
// section holds one variable per map, and its BTF DATASEC ".maps" lists
// them. Each variable is a struct whose members carry the definition in
// their types, not their values (libbpf's __uint and __type macros):
//
//	int (*type)[BPF_MAP_TYPE_HASH];   // __uint: a pointer to an array of N
//	typeof(struct key) *key;          // __type: a pointer to the key type
//
// so `type`, `max_entries`, `map_flags`, `key_size`, `value_size`,
// `pinning` (and the ignored `numa_node`, `map_extra`) are the element
// counts of the arrays pointed to, and `key`, `value` give their sizes
// through the pointed-to type.
//
// clang leaves the DATASEC's offsets zero in an object file (the linker
// would fill them); like libbpf's btf_fixup_datasec, the loader finds each
// variable's offset from its symbol in the ELF symbol table instead.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf/maps"
)

func (l *objLoader) loadBTFMaps() error {
	sec := l.f.Section(".maps")
	if sec == nil {
		return nil
	}
	btfSec := l.f.Section(".BTF")
	if btfSec == nil {
		return fmt.Errorf("section \".maps\": the object has no .BTF section to describe its maps")
	}
	data, err := sectionData(btfSec)
	if err != nil {
		return err
	}
	spec, err := parseBTF(data)
	if err != nil {
		return err
	}
	ds, ok := spec.datasec(".maps")
	if !ok {
		return fmt.Errorf("section \".maps\": BTF has no DATASEC \".maps\"")
	}
	idx := sectionIndex(l.f, sec)
	offsets := map[string]uint64{}
	for _, s := range l.sortedSymbols(idx, isMapSymbol) {
		offsets[s.Name] = s.Value
	}
	for _, v := range ds.members {
		def, err := btfMapDef(spec, v.typ)
		if err != nil {
			return fmt.Errorf("section \".maps\": %w", err)
		}
		off, ok := offsets[def.Name]
		if !ok {
			return fmt.Errorf("section \".maps\": map %q has no symbol", def.Name)
		}
		if err := l.addMap(def, idx, off); err != nil {
			return err
		}
	}
	return nil
}

// btfMapDef reads the map variable of type id varID.
func btfMapDef(spec *btfSpec, varID uint32) (MapDef, error) {
	v, err := spec.typ(varID)
	if err != nil {
		return MapDef{}, err
	}
	if v.kind != kindVar {
		return MapDef{}, fmt.Errorf("entry type id %d is a %s, want a var", varID, v.kind)
	}
	_, st, err := spec.skipQualifiers(v.typ)
	if err != nil {
		return MapDef{}, fmt.Errorf("map %q: %w", v.name, err)
	}
	if st.kind != kindStruct {
		return MapDef{}, fmt.Errorf("map %q: a %s, want a struct", v.name, st.kind)
	}
	def := MapDef{Section: ".maps", Spec: maps.Spec{Name: v.name}}
	for _, m := range st.members {
		if err := setBTFMapField(spec, &def, m); err != nil {
			return MapDef{}, fmt.Errorf("map %q member %q: %w", v.name, m.name, err)
		}
	}
	return def, nil
}

// setBTFMapField stores one member of a map definition struct.
func setBTFMapField(spec *btfSpec, def *MapDef, m btfMember) error {
	var dst *uint32
	switch m.name {
	case "type":
		n, err := btfUint(spec, m.typ)
		def.Type = maps.Type(n)
		return err
	case "key", "value":
		return btfPointeeSize(spec, m.typ, map[string]*uint32{"key": &def.KeySize, "value": &def.ValueSize}[m.name])
	case "key_size":
		dst = &def.KeySize
	case "value_size":
		dst = &def.ValueSize
	case "max_entries":
		dst = &def.MaxEntries
	case "map_flags":
		dst = &def.Flags
	case "pinning":
		dst = &def.Pinning
	case "numa_node", "map_extra":
		_, err := btfUint(spec, m.typ)
		return err
	case "values":
		return fmt.Errorf("initial values of program arrays and map-in-map are %w", ErrUnsupported)
	default:
		return fmt.Errorf("unknown map definition member (%w)", ErrUnsupported)
	}
	n, err := btfUint(spec, m.typ)
	*dst = n
	return err
}

// btfUint decodes __uint(name, N): a pointer to an array of N elements.
func btfUint(spec *btfSpec, id uint32) (uint32, error) {
	_, p, err := spec.skipQualifiers(id)
	if err != nil {
		return 0, err
	}
	if p.kind != kindPtr {
		return 0, fmt.Errorf("a %s, want a pointer to an array (__uint)", p.kind)
	}
	_, a, err := spec.skipQualifiers(p.typ)
	if err != nil {
		return 0, err
	}
	if a.kind != kindArray {
		return 0, fmt.Errorf("a pointer to a %s, want a pointer to an array (__uint)", a.kind)
	}
	return a.array.nelems, nil
}

// btfPointeeSize decodes __type(name, T): a pointer to T, whose size it
// stores in dst.
func btfPointeeSize(spec *btfSpec, id uint32, dst *uint32) error {
	_, p, err := spec.skipQualifiers(id)
	if err != nil {
		return err
	}
	if p.kind != kindPtr {
		return fmt.Errorf("a %s, want a pointer to the type (__type)", p.kind)
	}
	n, err := spec.sizeof(p.typ)
	if err != nil {
		return err
	}
	if n > 1<<32-1 {
		return fmt.Errorf("type of %d bytes is too large", n)
	}
	*dst = uint32(n)
	return nil
}
