package maps

import (
	"encoding/binary"
	"syscall"
)

// Arrays (BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY): the key is a
// 4-byte host-endian index and every one of the max_entries values exists
// from creation on, zeroed, at index*stride in the slab (kernel/bpf/arraymap.c):
//
//  1. values are padded to 8 bytes (elem_size = round_up(value_size, 8));
//  2. an index past the end is ENOENT for a lookup, E2BIG for an update;
//  3. BPF_NOEXIST is always EEXIST (every index exists), delete is EINVAL;
//  4. the next key after i is i+1, after the last ENOENT, and after a
//     missing key or an index past the end the first, 0.
//
// No lock: the entries never change place, and values are written without
// one, as in the kernel (a program that needs atomicity uses atomics).
type array struct {
	base
	mem []byte
}

func newArray(spec Spec, cpus int) (*array, error) {
	a := &array{base: base{spec: spec, cpus: cpus}}
	mem, err := newSlab(spec, uint64(spec.MaxEntries)*uint64(a.stride()))
	if err != nil {
		return nil, err
	}
	a.mem = mem
	return a, nil
}

func (a *array) Memory() []byte { return a.mem }

// index decodes a key (its size checked by the caller).
func index(key []byte) uint32 { return binary.NativeEndian.Uint32(key) }

// slot is index i's values: every CPU's copy for per-CPU arrays.
func (a *array) slot(i uint32) []byte {
	off := int(i) * a.stride()
	return a.mem[off : off+a.stride()]
}

func (a *array) Lookup(key []byte) ([]byte, error) {
	if err := a.canRead(); err != nil {
		return nil, err
	}
	if err := a.checkKey(key); err != nil {
		return nil, err
	}
	i := index(key)
	if i >= a.spec.MaxEntries {
		return nil, syscall.ENOENT
	}
	return a.copyOut(a.slot(i)), nil
}

func (a *array) Update(key, value []byte, flags uint64) error {
	if err := a.canWrite(); err != nil {
		return err
	}
	if err := a.checkKeyValue(key, value, a.sysValueSize()); err != nil {
		return err
	}
	i, err := a.updatable(key, flags)
	if err != nil {
		return err
	}
	a.copyIn(a.slot(i), value)
	return nil
}

func (a *array) checkKeyValue(key, value []byte, size int) error {
	if err := a.checkKey(key); err != nil {
		return err
	}
	return a.checkValue(value, size)
}

// updatable is array_map_update_elem's checks, in its order.
func (a *array) updatable(key []byte, flags uint64) (uint32, error) {
	if err := checkFlags(flags); err != nil {
		return 0, err
	}
	i := index(key)
	if i >= a.spec.MaxEntries {
		return 0, syscall.E2BIG
	}
	if flags == UpdateNoExist {
		return 0, syscall.EEXIST
	}
	return i, nil
}

func (a *array) Delete(key []byte) error {
	if err := a.canWrite(); err != nil {
		return err
	}
	if err := a.checkKey(key); err != nil {
		return err
	}
	return syscall.EINVAL
}

func (a *array) NextKey(key []byte) ([]byte, error) {
	if err := a.canRead(); err != nil {
		return nil, err
	}
	return arrayNextKey(&a.base, key)
}

// arrayNextKey is array_map_get_next_key, shared with the program array.
func arrayNextKey(b *base, key []byte) ([]byte, error) {
	next := uint32(0)
	if key != nil {
		if err := b.checkKey(key); err != nil {
			return nil, err
		}
		i := index(key)
		switch {
		case i >= b.spec.MaxEntries:
		case i == b.spec.MaxEntries-1:
			return nil, syscall.ENOENT
		default:
			next = i + 1
		}
	}
	return binary.NativeEndian.AppendUint32(nil, next), nil
}

func (a *array) LookupElem(key []byte, cpu int) (int, bool) {
	c, ok := a.cpuIndex(cpu)
	if !ok || !a.progCanRead() || len(key) != 4 {
		return 0, false
	}
	i := index(key)
	if i >= a.spec.MaxEntries {
		return 0, false
	}
	return int(i)*a.stride() + c*a.elemSize(), true
}

func (a *array) UpdateElem(key, value []byte, flags uint64, cpu int) error {
	if err := a.progCanWrite(); err != nil {
		return err
	}
	c, ok := a.cpuIndex(cpu)
	if !ok {
		return syscall.EINVAL
	}
	if err := a.checkKeyValue(key, value, int(a.spec.ValueSize)); err != nil {
		return err
	}
	i, err := a.updatable(key, flags)
	if err != nil {
		return err
	}
	a.copyInCPU(a.slot(i), value, c, false)
	return nil
}

func (a *array) DeleteElem(key []byte) error {
	if err := a.progCanWrite(); err != nil {
		return err
	}
	if err := a.checkKey(key); err != nil {
		return err
	}
	return syscall.EINVAL
}
