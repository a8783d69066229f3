package host

// Link: what the kernel's verifier does to a program's map references at
// load time (kernel/bpf/verifier.c, resolve_pseudo_ldimm64), in our
// address space.
//
// An object file's programs name maps with pseudo 64-bit loads (RFC 9669
// §5.4; the ELF loader writes them): src 1 or 5 (BPF_PSEUDO_MAP_FD,
// BPF_PSEUDO_MAP_IDX) with imm = the map's index in the object, and src 2
// or 6 (BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_MAP_IDX_VALUE) with imm = the
// map's index and the second slot's imm = an offset into its value (how
// global variables in .data, .rodata and .bss are reached). The kernel
// turns the first into the address of its struct bpf_map and the second
// into the address of the value; here:
//
//  1. Each map with memory a program reaches (maps.Elems; ring buffers,
//     whose samples programs write in place) gets one region of the
//     engines' address space (interp.Options.Regions): its Memory() slab,
//     read-only if the map is BPF_F_RDONLY_PROG. A value at offset o of the
//     slab is at interp.RegionAddr(region)+o, which is what
//     bpf_map_lookup_elem returns (helpers_map.go). There are at most
//     interp.MaxRegions such maps.
//  2. A map reference becomes a plain lddw of the map's handle,
//     mapHandleBase + index: an address in no window of the address space,
//     so a program that dereferences it faults in both engines, and the map
//     helpers turn it back into the map.
//  3. A map value reference becomes a plain lddw of the address of the
//     value of key 0 plus the offset, which must be inside the value; as in
//     the kernel (map_direct_value_addr), only array maps allow it.

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// mapHandleBase is the handle of map 0 (step 2): window 0x6d617000, far
// above the 16 windows both engines map ("map" in ASCII, for dumps).
const mapHandleBase = 0x6d617000_00000000

// rdonlyProg is BPF_F_RDONLY_PROG (uapi/linux/bpf.h): programs may not
// write the map's values.
const rdonlyProg = 1 << 7

// MapHandle is the value a program holds for map i of its collection.
func MapHandle(i int) uint64 { return mapHandleBase + uint64(i) }

// mapRegions gives every map with values a region (step 1).
func (c *Collection) mapRegions() error {
	c.region = make([]int, len(c.maps))
	c.elems = make([]maps.Elems, len(c.maps))
	c.specs = make([]maps.Spec, len(c.maps))
	c.faces = make([]mapFace, len(c.maps))
	for i, m := range c.maps {
		c.specs[i] = m.Spec()
		c.region[i] = -1
		c.elems[i], _ = m.(maps.Elems)
		e, ok := m.(interface{ Memory() []byte })
		if !ok {
			continue
		}
		if len(c.regions) == interp.MaxRegions {
			return fmt.Errorf("host: more than %d maps with values or ring buffers (interp.MaxRegions: one address window each)", interp.MaxRegions)
		}
		s := m.Spec()
		c.region[i] = len(c.regions)
		c.faces[i] = mapFace{elems: c.elems[i], keySize: int(s.KeySize), valueSize: int(s.ValueSize), addr: interp.RegionAddr(c.region[i])}
		c.regions = append(c.regions, interp.Region{Name: "map " + s.Name, Data: e.Memory(), ReadOnly: s.Flags&rdonlyProg != 0})
	}
	return nil
}

// mapOfAddr is the map whose region holds addr, and addr's offset in it.
func (c *Collection) mapOfAddr(addr uint64) (i, off int, ok bool) {
	for i, r := range c.region {
		if r >= 0 && addr>>32 == interp.RegionAddr(r)>>32 {
			return i, int(uint32(addr)), true
		}
	}
	return 0, 0, false
}

// mapOf is the map index a handle names, or ok = false.
func (c *Collection) mapOf(handle uint64) (int, bool) {
	i := handle - mapHandleBase
	return int(i), handle >= mapHandleBase && i < uint64(len(c.maps))
}

// link rewrites the pseudo loads of insns (steps 2-3).
func (c *Collection) link(insns []ebpf.Instruction) ([]ebpf.Instruction, error) {
	out := slices.Clone(insns)
	for i := range out {
		ins := &out[i]
		if !ins.IsLDDW() || ins.Src == ebpf.PseudoImm64 {
			continue
		}
		v, err := c.resolve(*ins)
		if err != nil {
			return nil, fmt.Errorf("instruction %d: %w", i, err)
		}
		ins.Src, ins.Imm64, ins.Imm = ebpf.PseudoImm64, int64(v), int32(v)
	}
	return out, nil
}

// resolve is the constant a pseudo lddw stands for.
func (c *Collection) resolve(ins ebpf.Instruction) (uint64, error) {
	idx, off := int(uint32(ins.Imm64)), uint32(uint64(ins.Imm64)>>32)
	switch ins.Src {
	case ebpf.PseudoMapFD, ebpf.PseudoMapIdx:
		if idx >= len(c.maps) || off != 0 {
			return 0, fmt.Errorf("map reference %d (upper imm %d) but the object has %d maps", idx, off, len(c.maps))
		}
		return MapHandle(idx), nil
	case ebpf.PseudoMapValue, ebpf.PseudoMapIdxValue:
		return c.valueAddr(idx, off)
	}
	return 0, fmt.Errorf("lddw with pseudo source %d, which only the kernel resolves", ins.Src)
}

// valueAddr is the address of byte off of map idx's first value (step 3).
func (c *Collection) valueAddr(idx int, off uint32) (uint64, error) {
	if idx >= len(c.maps) {
		return 0, fmt.Errorf("map value reference to map %d but the object has %d maps", idx, len(c.maps))
	}
	s := c.specs[idx]
	if s.Type != maps.Array || c.elems[idx] == nil {
		return 0, fmt.Errorf("map value reference to map %d (%q), which is not an array map", idx, s.Name)
	}
	if off >= s.ValueSize {
		return 0, fmt.Errorf("map value reference to offset %d of map %q, whose values are %d bytes", off, s.Name, s.ValueSize)
	}
	key := binary.LittleEndian.AppendUint32(nil, 0)
	base, ok := c.elems[idx].LookupElem(key, 0)
	if !ok {
		return 0, fmt.Errorf("map %q has no element 0", s.Name)
	}
	return interp.RegionAddr(c.region[idx]) + uint64(base) + uint64(off), nil
}
