package interp

import (
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// TestRunPacket: the packet window's checks and what helpers see of it
// (the engines' agreement is ebpf/jit's TestPacketWindow).
func TestRunPacket(t *testing.T) {
	var seen struct {
		state     any
		data, end int
		setErr    error
	}
	helpers := map[int32]Helper{
		1: func(env *Env, r1, r2, _, _, _ uint64) (uint64, error) {
			_, seen.data, seen.end, _ = env.Packet()
			seen.state = env.State()
			seen.setErr = env.SetPacket(int(r1), int(r2))
			return 0, nil
		},
	}
	p, err := Compile(prog(mov(1, 0x20), mov(2, 0x30), call(1), ldAbs(ebpf.SizeB, 0), exit()), Options{Helpers: helpers})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0x40)
	buf[0x20] = 0x77
	pkt := &Packet{Buf: buf, Data: 0x10, End: 0x18}
	r0, err := p.RunPacket(nil, pkt, "st")
	if err != nil || r0 != 0x77 || seen.state != "st" || seen.data != 0x10 || seen.end != 0x18 || seen.setErr != nil || pkt.Data != 0x20 || pkt.End != 0x30 {
		t.Errorf("r0 %#x, %v; helper saw %+v; packet after [%#x, %#x)", r0, err, seen, pkt.Data, pkt.End)
	}
	for _, bad := range []Packet{{Buf: nil}, {Buf: buf, Data: 5, End: 4}, {Buf: buf, Data: -1, End: 4}, {Buf: buf, Data: 0, End: 0x41}} {
		if _, err := p.RunPacket(nil, &bad, nil); err == nil || !strings.Contains(err.Error(), "interp: packet") {
			t.Errorf("packet [%d, %d) of %d bytes: %v", bad.Data, bad.End, len(bad.Buf), err)
		}
	}
	// Bounds a helper may not set, and a plain Run: no packet.
	pkt = &Packet{Buf: buf, Data: 0x10, End: 0x18}
	q, _ := Compile(prog(mov(1, 0x30), mov(2, 0x41), call(1), exit()), Options{Helpers: helpers})
	if _, err := q.RunPacket(nil, pkt, nil); err != nil || !errors.Is(seen.setErr, ErrMemory) || pkt.Data != 0x10 {
		t.Errorf("SetPacket past the buffer: %v, %v, data %#x", err, seen.setErr, pkt.Data)
	}
	if _, err := q.Run(nil); err != nil || seen.state != nil || !errors.Is(seen.setErr, ErrMemory) {
		t.Errorf("Run: %v, state %v, SetPacket %v", err, seen.state, seen.setErr)
	}
}
