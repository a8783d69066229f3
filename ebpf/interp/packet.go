package interp

// The packet window: what a hook (XDP, socket filter, TC; ebpf/host) adds
// to the address space of memory.go for one run.
//
// An XDP program reads ctx->data and ctx->data_end as 32-bit integers and
// uses them as pointers: the kernel rewrites those context loads into loads
// of the real pointers (net/core/filter.c, xdp_convert_ctx_access). Here
// the integers themselves must be addresses, so the packet lives in window
// 0, below 4 GiB:
//
//  1. RunPacket maps Packet.Buf at window 0: program address a is Buf[a].
//     The hook puts the packet at a nonzero offset of Buf (ebpf/host puts
//     it at 0x1000), so NULL and small integers still fault.
//  2. Only Buf[Data:End] may be accessed: the region's lo is Data and its
//     size End (memory.go, step 2), so the headroom in front of the packet
//     and the tailroom after it fault until a helper moves the bounds.
//  3. Helpers move the bounds during the run (bpf_xdp_adjust_head and
//     _tail) with Env.SetPacket; the next access sees them. RunPacket
//     stores the final bounds back into the Packet.
//  4. Legacy loads (LD_ABS, LD_IND; legacy.go) read Buf[Data:End] when a
//     packet is mapped, as the kernel's read skb->data; without one they
//     read the context, the conformance suites' convention.
//  5. A state value, opaque here, rides along for the helpers
//     (Env.State): what a hook's helpers need to know of the run in
//     progress (the redirect target, the tail-call count, the trace log).

import "fmt"

// Packet is a packet buffer mapped at window 0 for one run; Buf[Data:End]
// is the packet the program may touch.
type Packet struct {
	Buf       []byte
	Data, End int
}

func (pk *Packet) check() error {
	if len(pk.Buf) == 0 || len(pk.Buf) > MaxRegionSize || pk.Data < 0 || pk.Data > pk.End || pk.End > len(pk.Buf) {
		return fmt.Errorf("interp: packet [%d, %d) in a buffer of %d bytes (1-%d)", pk.Data, pk.End, len(pk.Buf), MaxRegionSize)
	}
	return nil
}

// mapPacket maps pk at window 0 (steps 1-2).
func (m *memory) mapPacket(pk *Packet) {
	r := newRegion(pk.Buf, false)
	r.lo, r.size = uint64(pk.Data), uint64(pk.End)
	m.regions[0] = r
	m.packetCap = len(pk.Buf)
}

// packetBounds stores the bounds back into pk (step 3).
func (m *memory) packetBounds(pk *Packet) {
	pk.Data, pk.End = int(m.regions[0].lo), int(m.regions[0].size)
}

func (m *memory) unmapPacket() {
	m.regions[0] = region{}
	m.packetCap = 0
}

// hasPacket reports whether a packet is mapped.
func (m *memory) hasPacket() bool { return m.regions[0].base != nil }

// legacyPacket is what legacy loads read (step 4).
func (m *memory) legacyPacket() []byte {
	r := &m.regions[0]
	if r.base == nil {
		return m.regions[2].bytes()
	}
	return r.bytes()[r.lo:]
}

// RunPacket is Run with pkt mapped at window 0 and state given to the
// helpers (Env.State). ctx is the context, as for Run (an xdp_md or a
// __sk_buff whose data fields hold window-0 addresses). The bounds the
// helpers left are stored back into pkt, also when the run fails.
func (p *Program) RunPacket(ctx []byte, pkt *Packet, state any) (uint64, error) {
	if len(ctx) > MaxRegionSize {
		return 0, fmt.Errorf("interp: context of %d bytes, more than %d", len(ctx), MaxRegionSize)
	}
	if err := pkt.check(); err != nil {
		return 0, err
	}
	m := p.machine()
	m.reset(ctx)
	m.mem.mapPacket(pkt)
	m.env.state = state
	r0, err := m.run()
	m.mem.packetBounds(pkt)
	m.mem.unmapPacket()
	m.env.state = nil
	m.release()
	return r0, err
}

// Packet returns the packet buffer mapped at window 0 and the packet's
// bounds in it, or ok = false if the run has none. The buffer is valid
// only during the helper call.
func (e *Env) Packet() (buf []byte, data, end int, ok bool) {
	r := &e.mem.regions[0]
	if r.base == nil {
		return nil, 0, 0, false
	}
	full := region{base: r.base, size: uint64(e.mem.packetCap)}
	return full.bytes(), int(r.lo), int(r.size), true
}

// SetPacket moves the packet's bounds to Buf[data:end]; the program's
// next access sees them (step 3).
func (e *Env) SetPacket(data, end int) error {
	if !e.mem.hasPacket() {
		return fmt.Errorf("%w: no packet is mapped", ErrMemory)
	}
	if data < 0 || data > end || end > e.mem.packetCap {
		return fmt.Errorf("%w: packet bounds [%d, %d) outside the %d-byte buffer", ErrMemory, data, end, e.mem.packetCap)
	}
	e.mem.regions[0].lo, e.mem.regions[0].size = uint64(data), uint64(end)
	return nil
}

// State is the state given to RunPacket (nil for Run).
func (e *Env) State() any { return e.state }
