package host

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// TestFrameNoLeak: after any run, resetting the frame for the next packet
// leaves it byte for byte as a fresh zeroed frame with that packet (xdp.go,
// step 4), whatever the program wrote and however it moved the window:
// the XDP cases (adjust head, tail and meta at and past every bound, stores
// into the packet) and random programs, on both engines, failing runs
// included.
func TestFrameNoLeak(t *testing.T) {
	type prog struct {
		name, src string
		maps      []mapDef
		packets   [][]byte
	}
	var progs []prog
	for _, tc := range xdpCases {
		if tc.progKind() == XDP {
			progs = append(progs, prog{tc.name, tc.src, tc.maps, tc.packets})
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 100 {
		progs = append(progs, prog{fmt.Sprintf("random %d", i), verifiedProgram(r, 4+r.IntN(24)),
			[]mapDef{{spec: maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 4}}, {spec: arraySpec("g", 8, 1)}},
			[][]byte{eth(14 + r.IntN(120)), eth(14 + r.IntN(120))}})
	}
	for _, tc := range xdpCases { // the skb hooks: their window never moves
		if k := tc.progKind(); k != XDP {
			for _, e := range engines {
				frameAfterSkb(t, tc, e)
			}
		}
	}
	next := eth(20, 0xaa)
	want := make([]byte, frameBuf)
	copy(want[PacketAddr:], next)
	for _, e := range engines {
		for _, pr := range progs {
			c, err := NewCollection(hostMaps(t, pr.maps), Options{Engine: e})
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.Load(pr.name, XDP, assemble(t, pr.src))
			if err != nil {
				t.Fatal(err)
			}
			for _, pkt := range pr.packets {
				run, err := newXDPRun(pkt, XDPMeta{})
				if err != nil {
					t.Fatal(err)
				}
				for range 3 { // TestRun's repeats: each sees the last one's frame
					_, _ = p.runXDP(run, 0) // failing runs must not leak either
				}
				run.reset(next, XDPMeta{})
				if !bytes.Equal(run.pkt.Buf, want) {
					i := 0
					for run.pkt.Buf[i] == want[i] {
						i++
					}
					t.Fatalf("%v, %s: after a reset, byte %#x of the frame is %#x", e, pr.name, i, run.pkt.Buf[i])
				}
				run.release()
			}
			p.Close()
		}
	}
}

func frameAfterSkb(t *testing.T, tc xdpCase, e Engine) {
	c, err := NewCollection(hostMaps(t, tc.maps), Options{Engine: e})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Load(tc.name, tc.progKind(), assemble(t, tc.src))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	next := append(eth(14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0), make([]byte, 20)...)
	for _, pkt := range tc.packets {
		run, err := newSkbRun(p.Kind, pkt)
		if err != nil {
			continue // a packet the hook refuses
		}
		_, _ = p.runSkb(run, 0)
		fresh := &skbRun{pkt: interp.Packet{Buf: make([]byte, frameBuf)}}
		fresh.reset(p.Kind, next)
		run.reset(p.Kind, next)
		if !bytes.Equal(run.pkt.Buf, fresh.pkt.Buf) || run.ctx != fresh.ctx {
			t.Fatalf("%v, %s: a reset frame differs from a fresh one", e, tc.name)
		}
		run.release()
	}
}
