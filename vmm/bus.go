package vmm

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Device is the shape every device model has towards the VMM: reads and
// writes of a register window, addressed by the offset from the window's
// base (gokvm's iodev.Device and firecracker's BusDevice are the models).
// A device returns an error for an access it cannot make sense of; the
// vCPU that made it stops with that error.
type Device interface {
	Read(off uint64, data []byte) error
	Write(off uint64, data []byte) error
}

// Bus routes accesses by address to the device whose window holds them.
// There are two: port I/O (16-bit addresses) and MMIO (guest-physical
// addresses no RAM backs). mu guards ranges; lookups take it shared, so
// vCPUs route concurrently.
type Bus struct {
	name   string
	mu     sync.RWMutex
	ranges []busRange // sorted by base, never overlapping
}

type busRange struct {
	base, size uint64
	name       string
	dev        Device
}

// ErrUnmapped is wrapped by an access that no device's window holds.
var ErrUnmapped = errors.New("no device")

// NewBus makes an empty bus; name ("pio", "mmio") appears in errors.
func NewBus(name string) *Bus { return &Bus{name: name} }

// Insert gives dev the window [base, base+size); name appears in errors.
func (b *Bus) Insert(base, size uint64, name string, dev Device) error {
	if size == 0 || base+size < base {
		return fmt.Errorf("%s bus: window %#x+%#x for %s is empty or wraps", b.name, base, size, name)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	i := sort.Search(len(b.ranges), func(i int) bool { return b.ranges[i].base >= base })
	if i > 0 && b.ranges[i-1].base+b.ranges[i-1].size > base {
		return b.overlap(name, base, size, b.ranges[i-1])
	}
	if i < len(b.ranges) && base+size > b.ranges[i].base {
		return b.overlap(name, base, size, b.ranges[i])
	}
	b.ranges = append(b.ranges, busRange{})
	copy(b.ranges[i+1:], b.ranges[i:])
	b.ranges[i] = busRange{base: base, size: size, name: name, dev: dev}
	return nil
}

func (b *Bus) overlap(name string, base, size uint64, r busRange) error {
	return fmt.Errorf("%s bus: window %#x+%#x for %s overlaps %s at %#x+%#x", b.name, base, size, name, r.name, r.base, r.size)
}

// find returns the range holding [addr, addr+n).
func (b *Bus) find(addr uint64, n int) (busRange, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	i := sort.Search(len(b.ranges), func(i int) bool { return b.ranges[i].base > addr }) - 1
	if i < 0 || addr-b.ranges[i].base >= b.ranges[i].size {
		return busRange{}, fmt.Errorf("%s bus: %d-byte access at %#x: %w", b.name, n, addr, ErrUnmapped)
	}
	r := b.ranges[i]
	if uint64(n) > r.size-(addr-r.base) {
		return busRange{}, fmt.Errorf("%s bus: %d-byte access at %#x runs past the end of %s (%#x+%#x)", b.name, n, addr, r.name, r.base, r.size)
	}
	return r, nil
}

// Read reads len(data) bytes at addr from the device there.
func (b *Bus) Read(addr uint64, data []byte) error {
	r, err := b.find(addr, len(data))
	if err != nil {
		return err
	}
	if err := r.dev.Read(addr-r.base, data); err != nil {
		return fmt.Errorf("%s bus: %s read at %#x: %w", b.name, r.name, addr, err)
	}
	return nil
}

// Write writes data at addr to the device there.
func (b *Bus) Write(addr uint64, data []byte) error {
	r, err := b.find(addr, len(data))
	if err != nil {
		return err
	}
	if err := r.dev.Write(addr-r.base, data); err != nil {
		return fmt.Errorf("%s bus: %s write at %#x: %w", b.name, r.name, addr, err)
	}
	return nil
}
