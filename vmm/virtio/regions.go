package virtio

import (
	"fmt"
	"sort"
)

// Regions is guest memory made of several host byte slices at fixed
// guest-physical addresses with holes between them — the shape of a real
// VM's RAM (below the 32-bit MMIO gap and above 4 GiB, as in Firecracker's
// layout.rs), where each slice is an mmap'ed KVM memory slot. A range
// inside a hole or spanning two regions is refused: a guest buffer is
// contiguous in guest-physical memory, and a device must not stitch one
// across a hole.
type Regions struct {
	regs []Region // sorted by GPA, non-overlapping
}

// Region is one contiguous piece of guest RAM.
type Region struct {
	GPA   uint64 // guest-physical address of Bytes[0]
	Bytes []byte
}

// NewRegions checks that regs neither overlap nor wrap the address space
// and returns them as GuestMemory.
func NewRegions(regs ...Region) (*Regions, error) {
	rs := append([]Region(nil), regs...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].GPA < rs[j].GPA })
	for i, r := range rs {
		n := uint64(len(r.Bytes))
		if r.GPA+n < r.GPA {
			return nil, fmt.Errorf("guest memory region at %#x of %#x bytes wraps the address space", r.GPA, n)
		}
		if i > 0 && rs[i-1].GPA+uint64(len(rs[i-1].Bytes)) > r.GPA {
			return nil, fmt.Errorf("guest memory regions at %#x and %#x overlap", rs[i-1].GPA, r.GPA)
		}
	}
	return &Regions{regs: rs}, nil
}

// Slice implements GuestMemory: the region holding addr, by binary search,
// must hold all n bytes.
func (m *Regions) Slice(addr, n uint64) ([]byte, error) {
	i := sort.Search(len(m.regs), func(i int) bool { return m.regs[i].GPA > addr }) - 1
	if i < 0 {
		return nil, &AddressError{Addr: addr, Len: n}
	}
	r := ByteMemory{Base: m.regs[i].GPA, Bytes: m.regs[i].Bytes}
	return r.Slice(addr, n)
}
