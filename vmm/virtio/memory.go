package virtio

import (
	"encoding/binary"
	"fmt"
)

// GuestMemory is guest-physical memory as a device model sees it. The VMM's
// KVM memory (mmap'ed regions registered as memory slots) implements it; so
// does ByteMemory, for tests.
type GuestMemory interface {
	// Slice returns the n bytes at guest-physical address addr, aliasing
	// guest memory (writes to it are writes to the guest), or an error if
	// any of them is not guest RAM. A range spanning two regions may be
	// refused. n may be 0.
	Slice(addr, n uint64) ([]byte, error)
}

// ByteMemory is guest memory that is one byte slice starting at
// guest-physical address Base.
type ByteMemory struct {
	Base  uint64
	Bytes []byte
}

// NewByteMemory returns size zeroed bytes of guest memory at base.
func NewByteMemory(base, size uint64) *ByteMemory {
	return &ByteMemory{Base: base, Bytes: make([]byte, size)}
}

// Slice implements GuestMemory with overflow-safe bounds checks.
func (m *ByteMemory) Slice(addr, n uint64) ([]byte, error) {
	size := uint64(len(m.Bytes))
	if addr < m.Base || addr-m.Base > size || n > size-(addr-m.Base) {
		return nil, &AddressError{Addr: addr, Len: n}
	}
	off := addr - m.Base
	return m.Bytes[off : off+n : off+n], nil
}

// AddressError is a guest-physical range outside guest memory.
type AddressError struct {
	Addr, Len uint64
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("guest range [%#x, +%#x) is outside guest memory", e.Addr, e.Len)
}

// The little-endian accessors below are the only way this package reads or
// writes a field of a virtqueue structure (virtio structures are
// little-endian, spec 1.4).

func read16(mem GuestMemory, addr uint64) (uint16, error) {
	b, err := mem.Slice(addr, 2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

func write16(mem GuestMemory, addr uint64, v uint16) error {
	b, err := mem.Slice(addr, 2)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint16(b, v)
	return nil
}

func write32(mem GuestMemory, addr uint64, v uint32) error {
	b, err := mem.Slice(addr, 4)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(b, v)
	return nil
}
