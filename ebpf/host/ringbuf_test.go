package host

import (
	"encoding/binary"
	"testing"

	"github.com/deepsys/deepsys/ebpf/maps"
)

// TestRingbufEvents: helpers.c's xdp_events writes one record with
// bpf_ringbuf_output and one through reserve and submit, per packet; the
// maps package's reader must see them in order, with the fields the
// program wrote (the clock and the random numbers fixed).
func TestRingbufEvents(t *testing.T) {
	for _, e := range engines {
		obj := loadObject(t, "helpers.o")
		c, err := NewObjectCollection(obj, newMap, Options{Engine: e, Now: func() uint64 { return 12345 }, Rand: func() uint32 { return 77 }})
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.LoadProgram(obj.Program("xdp_events"))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		for _, n := range []int{60, 61} {
			if res, err := p.RunXDP(eth(n), XDPMeta{}); err != nil || res.Action != XDPPass {
				t.Fatalf("%v: %v, %v", e, res.Action, err)
			}
		}
		rd := c.Maps()[obj.MapIndex("events")].(maps.RingBuffer).NewReader()
		for _, want := range [][2]uint32{{60, 77}, {60, 0}, {61, 77}, {61, 0}} {
			rec, err := rd.Read()
			if err != nil || len(rec) != 16 || binary.LittleEndian.Uint64(rec) != 12345 ||
				binary.LittleEndian.Uint32(rec[8:]) != want[0] || binary.LittleEndian.Uint32(rec[12:]) != want[1] {
				t.Errorf("%v: record % x, %v; want len %d rnd %d", e, rec, err, want[0], want[1])
			}
		}
		if rec, err := rd.Read(); err == nil {
			t.Errorf("%v: a fifth record % x", e, rec)
		}
	}
}
