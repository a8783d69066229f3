package host

import (
	"encoding/binary"
	"fmt"
	"slices"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/maps"
)

// Stand-ins for the maps package's types, enough for the host's tests:
// an array (per-CPU with cpus > 1), a hash with a fixed number of slots,
// a program array.

type fakeArray struct {
	spec maps.Spec
	cpus int
	mem  []byte
}

func newArray(name string, valueSize, maxEntries uint32) *fakeArray {
	return &fakeArray{spec: maps.Spec{Name: name, Type: maps.Array, KeySize: 4, ValueSize: valueSize, MaxEntries: maxEntries}, cpus: 1,
		mem: make([]byte, int(valueSize)*int(maxEntries))}
}

func (a *fakeArray) Spec() maps.Spec { return a.spec }
func (a *fakeArray) Memory() []byte  { return a.mem }

func (a *fakeArray) index(key []byte) (int, bool) {
	if len(key) != 4 {
		return 0, false
	}
	i := binary.LittleEndian.Uint32(key)
	return int(i), i < a.spec.MaxEntries
}

func (a *fakeArray) LookupElem(key []byte, cpu int) (int, bool) {
	i, ok := a.index(key)
	if !ok || cpu >= a.cpus {
		return 0, false
	}
	return (cpu*int(a.spec.MaxEntries) + i) * int(a.spec.ValueSize), true
}

func (a *fakeArray) Lookup(key []byte) ([]byte, error) {
	off, ok := a.LookupElem(key, 0)
	if !ok {
		return nil, syscall.ENOENT
	}
	return slices.Clone(a.mem[off : off+int(a.spec.ValueSize)]), nil
}

func (a *fakeArray) UpdateElem(key, value []byte, flags uint64, cpu int) error {
	switch {
	case flags > maps.UpdateExist:
		return syscall.EINVAL
	case flags == maps.UpdateNoExist:
		return syscall.EEXIST
	}
	off, ok := a.LookupElem(key, cpu)
	if !ok {
		return syscall.E2BIG
	}
	copy(a.mem[off:], value)
	return nil
}

func (a *fakeArray) Update(key, value []byte, flags uint64) error {
	return a.UpdateElem(key, value, flags, 0)
}
func (a *fakeArray) Delete([]byte) error            { return syscall.EINVAL }
func (a *fakeArray) DeleteElem([]byte) error        { return syscall.EINVAL }
func (a *fakeArray) NextKey([]byte) ([]byte, error) { return nil, syscall.ENOENT }

// fakeHash keeps up to MaxEntries keys in fixed slots.
type fakeHash struct {
	spec maps.Spec
	keys []string // "" is a free slot
	mem  []byte
}

func newHash(name string, keySize, valueSize, maxEntries uint32) *fakeHash {
	return &fakeHash{spec: maps.Spec{Name: name, Type: maps.Hash, KeySize: keySize, ValueSize: valueSize, MaxEntries: maxEntries},
		keys: make([]string, maxEntries), mem: make([]byte, int(valueSize)*int(maxEntries))}
}

func (h *fakeHash) Spec() maps.Spec { return h.spec }
func (h *fakeHash) Memory() []byte  { return h.mem }

func (h *fakeHash) LookupElem(key []byte, _ int) (int, bool) {
	i := slices.Index(h.keys, string(key))
	return i * int(h.spec.ValueSize), i >= 0
}

func (h *fakeHash) Lookup(key []byte) ([]byte, error) {
	off, ok := h.LookupElem(key, 0)
	if !ok {
		return nil, syscall.ENOENT
	}
	return slices.Clone(h.mem[off : off+int(h.spec.ValueSize)]), nil
}

func (h *fakeHash) UpdateElem(key, value []byte, flags uint64, _ int) error {
	i := slices.Index(h.keys, string(key))
	switch {
	case flags > maps.UpdateExist:
		return syscall.EINVAL
	case i >= 0 && flags == maps.UpdateNoExist:
		return syscall.EEXIST
	case i < 0 && flags == maps.UpdateExist:
		return syscall.ENOENT
	case i < 0:
		if i = slices.Index(h.keys, ""); i < 0 {
			return syscall.E2BIG
		}
	}
	h.keys[i] = string(key)
	copy(h.mem[i*int(h.spec.ValueSize):], value)
	return nil
}

func (h *fakeHash) Update(key, value []byte, flags uint64) error {
	return h.UpdateElem(key, value, flags, 0)
}

func (h *fakeHash) DeleteElem(key []byte) error {
	i := slices.Index(h.keys, string(key))
	if i < 0 {
		return syscall.ENOENT
	}
	h.keys[i] = ""
	return nil
}
func (h *fakeHash) Delete(key []byte) error        { return h.DeleteElem(key) }
func (h *fakeHash) NextKey([]byte) ([]byte, error) { return nil, syscall.ENOENT }
func (h *fakeHash) String() string                 { return fmt.Sprint(h.keys) }

type fakeProgArray struct {
	spec  maps.Spec
	progs []any
}

func newProgArray(n uint32) *fakeProgArray {
	return &fakeProgArray{spec: maps.Spec{Name: "jmp", Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: n}, progs: make([]any, n)}
}

func (p *fakeProgArray) Spec() maps.Spec                     { return p.spec }
func (p *fakeProgArray) Program(i uint32) (any, bool)        { return p.progs[i], p.progs[i] != nil }
func (p *fakeProgArray) Lookup([]byte) ([]byte, error)       { return nil, syscall.EINVAL }
func (p *fakeProgArray) Update([]byte, []byte, uint64) error { return syscall.EINVAL }
func (p *fakeProgArray) Delete([]byte) error                 { return syscall.EINVAL }
func (p *fakeProgArray) NextKey([]byte) ([]byte, error)      { return nil, syscall.ENOENT }
