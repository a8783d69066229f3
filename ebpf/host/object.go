package host

// From an object file to a Collection: what libbpf's bpf_object__load does
// before the first program runs (tools/lib/bpf/libbpf.c,
// bpf_object__create_maps and bpf_object__populate_internal_map).
//
//  1. Each map definition of the object (ebpf/loader: legacy "maps", BTF
//     ".maps", then .data, .rodata and .bss) becomes a map of the maps
//     package, in the object's order, so that the loader's map indexes
//     are the Collection's.
//  2. The global-data maps get their section's bytes as the value of key 0
//     (.bss stays zero), through the syscall face, as libbpf writes them
//     with bpf(BPF_MAP_UPDATE_ELEM) before freezing .rodata.
//  3. Programs load by their loader.Program, whose type decides the hook.

import (
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// MapMaker makes a map from its spec (maps.New with the collection's CPUs).
type MapMaker func(maps.Spec) (maps.Map, error)

// NewObjectCollection creates obj's maps with newMap and fills the
// global-data ones (steps 1-2).
func NewObjectCollection(obj *loader.Object, newMap MapMaker, opts Options) (*Collection, error) {
	ms := make([]maps.Map, len(obj.Maps))
	for i, d := range obj.Maps {
		m, err := newMap(d.Spec)
		if err != nil {
			return nil, fmt.Errorf("host: map %q: %w", d.Name, err)
		}
		if d.Init != nil {
			v := append(append([]byte{}, d.Init...), make([]byte, max(int(d.ValueSize)-len(d.Init), 0))...)
			if err := m.Update(binary.LittleEndian.AppendUint32(nil, 0), v, maps.UpdateAny); err != nil {
				return nil, fmt.Errorf("host: initial value of map %q: %w", d.Name, err)
			}
		}
		ms[i] = m
	}
	return NewCollection(ms, opts)
}

// KindOf is the hook of a loader program type: XDP, socket filter, or TC
// for sched_cls and sched_act.
func KindOf(t loader.ProgType) (Kind, error) {
	switch t {
	case loader.XDP:
		return XDP, nil
	case loader.SocketFilter:
		return SocketFilter, nil
	case loader.SchedCLS, loader.SchedACT:
		return SchedCLS, nil
	}
	return 0, fmt.Errorf("host: %v programs have no hook here (xdp, socket filters and tc do)", t)
}

// LoadProgram links and compiles one of the object's programs (step 3).
func (c *Collection) LoadProgram(p *loader.Program) (*Program, error) {
	kind, err := KindOf(p.Type)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	return c.Load(p.Name, kind, p.Insns)
}
