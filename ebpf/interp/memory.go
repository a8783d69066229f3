package interp

// The memory model: what a pointer in a register means.
//
// A program computes with 64-bit addresses and the kernel hands it real
// pointers; Go cannot turn an integer into a pointer safely, so the
// interpreter gives each memory region it exposes a distinct 4 GiB window of
// a made-up address space and translates every access:
//
//	0x0_0000_0000  unmapped (NULL and small integers fault), or the packet
//	               of RunPacket: Packet.Buf[Data:End] (packet.go)
//	0x1_0000_0000  stack: MaxFrames frames of 512 bytes, frame 0 at the top;
//	               r10 = 0x1_0000_1000 in the main program, 0x200 lower per call
//	0x2_0000_0000  context: the []byte given to Run (r1 points here, r2 = len)
//	0x3_0000_0000  Options.Regions[0] (RegionAddr(0)), then one window each
//	...
//	0xf_0000_0000  the last region window; everything above faults
//
//  1. The top bits of an address (addr >> 32) pick the region, the low 32
//     bits are the offset in it: one shift, one compare, no search.
//  2. An access of n bytes at offset o is allowed only if lo <= o and
//     o+n <= len(region): an access outside every region, or straddling a
//     region's end, is a *RunError (ErrMemory) naming the instruction. o+n
//     cannot wrap, since o < 2^32 and n <= 8.
//  3. The stack's lo is the bottom of the current frame, so the live stack
//     is the current frame and its callers' (a caller may pass a pointer to
//     its own frame); frames of returned calls, and the space below r10-512,
//     fault, as does anything at or above the main program's r10.
//  4. Stores into a read-only region fault (ErrReadOnly).
//
// The checks are always on: in Go they are the price of memory safety, and
// a cheap one (BenchmarkDispatch: a loop that is half loads and stores runs
// at 2.8-3.4 ns per instruction, about what pure arithmetic costs). They
// are also the "checking mode" a verifier needs as its oracle: a program
// the verifier accepted must never fault here. Memory is little-endian, as
// on the machines that run this project (RFC 9669 leaves byte order to the
// host).

import (
	"fmt"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf"
)

// Addresses of the regions (see the map above).
const (
	regionBits     = 32
	StackAddr      = 1 << regionBits // bottom of the deepest frame
	ContextAddr    = 2 << regionBits // the context (packet) given to Run
	firstUserIndex = 3
	maxRegions     = 16
	maxUserRegions = maxRegions - firstUserIndex
	// MaxRegionSize is the largest region, context included: a window.
	MaxRegionSize = 1<<regionBits - 1
)

// MaxFrames is the deepest chain of calls, main program included, as in
// the kernel (MAX_CALL_FRAMES).
const MaxFrames = 8

// stackTop is r10 of the main program.
const stackTop = StackAddr + MaxFrames*ebpf.StackSize

// RegionAddr is the address of Options.Regions[i].
func RegionAddr(i int) uint64 { return uint64(firstUserIndex+i) << regionBits }

// Region is memory a program may address besides its stack and context.
type Region struct {
	Name     string // for messages: "map value", ...
	Data     []byte
	ReadOnly bool
}

// region is one window of the address space: the memory of a Go slice,
// kept as pointer and size so that a translated access is an addition
// after the bounds check, without Go re-slicing (see at).
type region struct {
	base     unsafe.Pointer // first byte; the region keeps it alive
	size     uint64         // bytes
	lo       uint64         // lowest offset that may be accessed
	readOnly bool
}

func newRegion(mem []byte, readOnly bool) region {
	return region{base: unsafe.Pointer(unsafe.SliceData(mem)), size: uint64(len(mem)), readOnly: readOnly}
}

// bytes is the region's memory as a slice.
func (r *region) bytes() []byte { return unsafe.Slice((*byte)(r.base), r.size) }

// memory is the address space of one Run.
type memory struct {
	regions   [maxRegions]region
	packetCap int // len(Packet.Buf) while a packet is mapped at window 0 (packet.go)
}

// at translates an access of n bytes at addr into a pointer to its first
// byte, or nil if the n bytes are not all inside one region (steps 1-2).
// The check is what makes the unsafe.Add safe: lo <= o and o+n <= size, so
// the n bytes lie inside the region's memory.
func (m *memory) at(addr, n uint64) unsafe.Pointer {
	i := addr >> regionBits
	if i >= maxRegions {
		return nil
	}
	r := &m.regions[i]
	o := addr & (1<<regionBits - 1)
	if o < r.lo || o+n > r.size {
		return nil
	}
	return unsafe.Add(r.base, o)
}

// atWritable is at for stores: it also refuses read-only regions.
func (m *memory) atWritable(addr, n uint64) unsafe.Pointer {
	if p := m.at(addr, n); p != nil && !m.regions[addr>>regionBits].readOnly {
		return p
	}
	return nil
}

// slice is at as a []byte of length n, or nil.
func (m *memory) slice(addr, n uint64, write bool) []byte {
	p := m.at(addr, n)
	if write {
		p = m.atWritable(addr, n)
	}
	if p == nil {
		return nil
	}
	return unsafe.Slice((*byte)(p), n)
}

// regionNames names the fixed windows for messages.
var regionNames = [firstUserIndex]string{"unmapped", "stack", "context"}

// accessError explains why an access of n bytes at addr failed.
func (m *memory) accessError(addr, n uint64, write bool, userNames []Region) error {
	verb := "load"
	if write {
		verb = "store"
	}
	i := addr >> regionBits
	if i >= maxRegions || (i >= firstUserIndex && int(i-firstUserIndex) >= len(userNames)) || (i == 0 && !m.hasPacket()) {
		return fmt.Errorf("%w: %s of %d bytes at %#x: no region there", ErrMemory, verb, n, addr)
	}
	r := &m.regions[i]
	name := m.regionName(i, userNames)
	base := i << regionBits
	if write && r.readOnly {
		return fmt.Errorf("%w: %s of %d bytes at %#x: %s is read-only", ErrReadOnly, verb, n, addr, name)
	}
	return fmt.Errorf("%w: %s of %d bytes at %#x: outside %s [%#x, %#x)", ErrMemory, verb, n, addr, name, base+r.lo, base+r.size)
}

func (m *memory) regionName(i uint64, user []Region) string {
	if i == 0 {
		return "packet"
	}
	if i < firstUserIndex {
		return regionNames[i]
	}
	if name := user[i-firstUserIndex].Name; name != "" {
		return fmt.Sprintf("region %d (%s)", i-firstUserIndex, name)
	}
	return fmt.Sprintf("region %d", i-firstUserIndex)
}
