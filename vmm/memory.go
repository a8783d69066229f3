package vmm

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Memory is the guest's RAM: anonymous mmap'd regions of this process,
// each registered with KVM as one memory slot. RAM fills guest-physical
// addresses from 0 up to MMIOGapStart and continues at HighMemStart.
//
// Every accessor takes a guest-physical address from a guest (a
// descriptor, a register) and checks it: an address or length outside RAM,
// across a region's end, or overflowing 64 bits is an error naming it,
// never a slice-bounds panic.
type Memory struct {
	regions []Region
}

// Region is one contiguous range of RAM at guest-physical address GPA.
type Region struct {
	GPA  uint64
	Data []byte
}

// End is the first address past the region.
func (r Region) End() uint64 { return r.GPA + uint64(len(r.Data)) }

// ErrNotRAM is wrapped by accesses that leave RAM.
var ErrNotRAM = errors.New("not guest RAM")

// RAMRanges splits size bytes of RAM around the MMIO gap: [GPA, GPA+len).
func RAMRanges(size uint64) [][2]uint64 {
	low := min(size, MMIOGapStart)
	r := [][2]uint64{{0, low}}
	if size > low {
		r = append(r, [2]uint64{HighMemStart, size - low})
	}
	return r
}

// NewMemory maps size bytes of RAM (a multiple of 4 KiB, at least 1 MiB
// so the boot structures fit).
func NewMemory(size uint64) (*Memory, error) {
	if size%4096 != 0 || size < 1<<20 {
		return nil, fmt.Errorf("guest memory size %#x: want a multiple of 4 KiB, at least 1 MiB", size)
	}
	m := &Memory{}
	for _, rg := range RAMRanges(size) {
		b, err := unix.Mmap(-1, 0, int(rg[1]), unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("mmap %d bytes of guest RAM at %#x: %w", rg[1], rg[0], err)
		}
		m.regions = append(m.regions, Region{GPA: rg[0], Data: b})
	}
	return m, nil
}

// Regions lists the RAM regions, in address order.
func (m *Memory) Regions() []Region { return m.regions }

// Size is the total RAM in bytes.
func (m *Memory) Size() uint64 {
	var n uint64
	for _, r := range m.regions {
		n += uint64(len(r.Data))
	}
	return n
}

// Slice returns the n bytes of RAM at gpa, aliasing guest memory. The
// range must lie inside one region.
func (m *Memory) Slice(gpa, n uint64) ([]byte, error) {
	for _, r := range m.regions {
		if gpa >= r.GPA && gpa < r.End() {
			off := gpa - r.GPA
			if n > uint64(len(r.Data))-off {
				return nil, fmt.Errorf("guest range %#x+%#x runs past RAM at %#x: %w", gpa, n, r.End(), ErrNotRAM)
			}
			return r.Data[off : off+n], nil
		}
	}
	return nil, fmt.Errorf("guest address %#x (+%#x): %w", gpa, n, ErrNotRAM)
}

// ReadAt copies len(p) bytes from guest-physical address off (io.ReaderAt).
func (m *Memory) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("guest address %d: negative: %w", off, ErrNotRAM)
	}
	s, err := m.Slice(uint64(off), uint64(len(p)))
	if err != nil {
		return 0, err
	}
	return copy(p, s), nil
}

// WriteAt copies p to guest-physical address off (io.WriterAt).
func (m *Memory) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("guest address %d: negative: %w", off, ErrNotRAM)
	}
	s, err := m.Slice(uint64(off), uint64(len(p)))
	if err != nil {
		return 0, err
	}
	return copy(s, p), nil
}

// Uint64 reads a little-endian 64-bit word at gpa.
func (m *Memory) Uint64(gpa uint64) (uint64, error) {
	s, err := m.Slice(gpa, 8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(s), nil
}

// PutUint64 writes a little-endian 64-bit word at gpa.
func (m *Memory) PutUint64(gpa, v uint64) error {
	s, err := m.Slice(gpa, 8)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint64(s, v)
	return nil
}

// Close unmaps the RAM; the VM must be gone.
func (m *Memory) Close() error {
	var errs []error
	for _, r := range m.regions {
		errs = append(errs, unix.Munmap(r.Data))
	}
	m.regions = nil
	return errors.Join(errs...)
}
