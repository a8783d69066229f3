package host

// Map helpers (kernel/bpf/helpers.c): the program face of maps.Elems.
//
//   - bpf_map_lookup_elem(map, key): the address of the value in the map's
//     region (link.go, step 1), which the program reads and writes in
//     place, or 0 (NULL) if the key is absent;
//   - bpf_map_update_elem(map, key, value, flags), bpf_map_delete_elem(map,
//     key): 0, or -errno as the maps package reports it (ENOENT, EEXIST,
//     E2BIG, EINVAL);
//   - bpf_map_lookup_percpu_elem(map, key, cpu): the value of CPU cpu's
//     copy, or 0 past the map's CPUs.
//
// The key and value are read through the engine's address space with the
// program's bounds checks (interp.Env): a bad pointer stops the program,
// where the kernel's verifier would have refused it. A map without values
// (ring buffer, program array) answers lookups with NULL and updates with
// -EINVAL, as the kernel's do from a program.

import (
	"fmt"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// mapFace is what the map helpers need of map i, gathered once when the
// collection is made (mapRegions) so that a helper call reads one entry
// of one slice.
type mapFace struct {
	elems     maps.Elems // nil if the map has no values
	keySize   int
	valueSize int
	addr      uint64 // interp.RegionAddr of the map's region
}

// elemsOf returns the map a handle names, with its program face and key.
func (c *Collection) elemsOf(env *interp.Env, handle, keyAddr uint64) (*mapFace, []byte, error) {
	i, ok := c.mapOf(handle)
	if !ok {
		return nil, nil, fmt.Errorf("%#x is not a map", handle)
	}
	f := &c.faces[i]
	if f.elems == nil {
		return nil, nil, nil
	}
	key, err := env.Load(keyAddr, f.keySize)
	if err != nil {
		return nil, nil, fmt.Errorf("the key: %w", err)
	}
	return f, key, nil
}

func (c *Collection) lookup(env *interp.Env, handle, keyAddr uint64, cpu int) (uint64, error) {
	f, key, err := c.elemsOf(env, handle, keyAddr)
	if err != nil || f == nil {
		return 0, err
	}
	off, ok := f.elems.LookupElem(key, cpu)
	if !ok {
		return 0, nil
	}
	return f.addr + uint64(off), nil
}

func (c *Collection) mapLookupElem(env *interp.Env, m, key, _, _, _ uint64) (uint64, error) {
	st, err := state(env)
	if err != nil {
		return 0, err
	}
	return c.lookup(env, m, key, st.cpu)
}

func (c *Collection) mapLookupPercpuElem(env *interp.Env, m, key, cpu, _, _ uint64) (uint64, error) {
	if cpu >= uint64(len(c.cpus)) {
		return 0, nil
	}
	return c.lookup(env, m, key, int(cpu))
}

func (c *Collection) mapUpdateElem(env *interp.Env, m, key, value, flags, _ uint64) (uint64, error) {
	st, err := state(env)
	if err != nil {
		return 0, err
	}
	f, k, err := c.elemsOf(env, m, key)
	if err != nil || f == nil {
		return errno(syscall.EINVAL), err
	}
	v, err := env.Load(value, f.valueSize)
	if err != nil {
		return 0, fmt.Errorf("the value: %w", err)
	}
	if err := f.elems.UpdateElem(k, v, flags, st.cpu); err != nil {
		return errnoOf(err), nil
	}
	return 0, nil
}

func (c *Collection) mapDeleteElem(env *interp.Env, m, key, _, _, _ uint64) (uint64, error) {
	f, k, err := c.elemsOf(env, m, key)
	if err != nil || f == nil {
		return errno(syscall.EINVAL), err
	}
	if err := f.elems.DeleteElem(k); err != nil {
		return errnoOf(err), nil
	}
	return 0, nil
}
