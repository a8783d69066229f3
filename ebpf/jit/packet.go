package jit

// The packet window (interp's packet.go) in the JIT: RunPacket maps
// Packet.Buf at window 0 of the region table with lo = Data and the limits
// from End, and points legacy loads at machine.legacy, a window of
// Buf[Data:End] (machine.legacyWin; a plain Run leaves it 0, the context,
// so it costs Run nothing).
// Helpers move the bounds through interp.Env.SetPacket, which changes the
// Space (Go's copy of the memory), not the table the code reads: after
// every helper call, syncPacket copies the bounds back into the table (two
// compares when they did not move).

import (
	"fmt"
	"runtime"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// RunPacket is Run with pkt mapped at window 0 and state given to the
// helpers (interp.Env.State), as interp's RunPacket; the bounds the
// helpers left are stored back into pkt.
func (p *Program) RunPacket(ctx []byte, pkt *interp.Packet, state any) (uint64, error) {
	if len(ctx) > interp.MaxRegionSize {
		return 0, fmt.Errorf("jit: context of %d bytes, more than %d", len(ctx), interp.MaxRegionSize)
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.seg == nil {
		return 0, ErrClosed
	}
	m := p.machine()
	m.reset(ctx)
	if err := m.space.EnterPacket(pkt, state); err != nil {
		m.release()
		return 0, err
	}
	m.pktBase = uintptr(unsafe.Pointer(unsafe.SliceData(pkt.Buf)))
	m.mapPacket(pkt.Data, pkt.End)
	m.legacyWin = uint64(offLegacy - (offTable + 2<<windowShift))
	r0, err := m.run()
	m.space.LeavePacket(pkt)
	m.table[0] = unmapped
	m.legacy = window{}
	m.pktBase, m.legacyWin = 0, 0
	m.release()
	runtime.KeepAlive(p)
	return r0, err
}

// mapPacket points window 0 and the legacy window at Buf[data:end].
func (m *machine) mapPacket(data, end int) {
	m.pktData, m.pktEnd = data, end
	m.table[0].set(m.pktBase, uint64(data), uint64(end), false)
	m.legacy.set(m.pktBase+uintptr(data), 0, uint64(end-data), false)
	m.setHot(0, m.pktBase, uint64(data), uint64(end))
}

// syncPacket copies the bounds a helper set into the table.
func (m *machine) syncPacket() {
	if m.pktBase == 0 {
		return
	}
	data, end, _ := m.space.PacketBounds()
	if data != m.pktData || end != m.pktEnd {
		m.mapPacket(data, end)
	}
}

// unmapped is window 0 without a packet: every access faults.
var unmapped = window{lim: [8]int64{-1, -1, -1, -1, -1, -1, -1, -1}}
