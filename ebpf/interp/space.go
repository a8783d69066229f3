package interp

// Space lends this package's address space (memory.go) to another engine,
// the JIT: its helpers are this package's Helpers, so they need an Env over
// the same map, and its faults must read as this package's do. The JIT's
// generated code keeps its own copy of the bounds (base, limits) for speed;
// a Space is the Go side of the same memory.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// MaxRegions is the most Options.Regions a program may have: the windows
// from RegionAddr(0) up to 0xf_0000_0000.
const MaxRegions = maxUserRegions

// Space is one run's address space, laid out as for Run: the stack, the
// context, and regions at RegionAddr(i).
type Space struct {
	mem memory
	env Env
}

// NewSpace maps stack, which must be MaxFrames*ebpf.StackSize bytes, and
// regions (at most MaxRegions). The context is mapped by Enter. The Space
// keeps the memory alive.
func NewSpace(stack []byte, regions []Region) *Space {
	if len(stack) != MaxFrames*ebpf.StackSize || len(regions) > MaxRegions {
		panic(fmt.Sprintf("BUG: interp.NewSpace with a %d-byte stack and %d regions", len(stack), len(regions)))
	}
	s := &Space{}
	s.mem.regions[1] = newRegion(stack, false)
	for i, r := range regions {
		s.mem.regions[firstUserIndex+i] = newRegion(r.Data, r.ReadOnly)
	}
	s.env = Env{mem: &s.mem, names: regions}
	s.SetDepth(0)
	return s
}

// Enter maps ctx as the context (at ContextAddr).
func (s *Space) Enter(ctx []byte) { s.mem.regions[2] = newRegion(ctx, false) }

// Leave unmaps the context, so that the Space keeps no caller memory alive.
func (s *Space) Leave() { s.mem.regions[2] = region{} }

// SetDepth makes the frame of call depth depth (0: the main program) the
// lowest live one (memory.go, step 3).
func (s *Space) SetDepth(depth int) { s.mem.regions[1].lo = frameBottom(depth) }

// Env is what helpers see of the Space.
func (s *Space) Env() *Env { return &s.env }

// AccessError explains why an access of n bytes at addr failed, in the
// words of Run's errors.
func (s *Space) AccessError(addr, n uint64, write bool) error {
	return s.mem.accessError(addr, n, write, s.env.names)
}

// EnterPacket maps pkt at window 0 (packet.go) and gives the helpers
// state; pkt must be valid for RunPacket.
func (s *Space) EnterPacket(pkt *Packet, state any) error {
	if err := pkt.check(); err != nil {
		return err
	}
	s.mem.mapPacket(pkt)
	s.env.state = state
	return nil
}

// LeavePacket stores the packet's bounds back into pkt and unmaps it.
func (s *Space) LeavePacket(pkt *Packet) {
	s.mem.packetBounds(pkt)
	s.mem.unmapPacket()
	s.env.state = nil
}

// PacketBounds is the packet's [data, end) in its buffer as the helpers
// left it, ok = false if none is mapped.
func (s *Space) PacketBounds() (data, end int, ok bool) {
	r := &s.mem.regions[0]
	return int(r.lo), int(r.size), r.base != nil
}
