package host

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf/maps"
)

// BenchmarkRunXDP: xdp_counter.o (parse, a per-CPU array and a hash
// updated, the .rodata rule) through RunXDP and through TestRun's loop, on
// both engines: what a hook run costs on top of the program.
func BenchmarkRunXDP(b *testing.B) {
	obj, err := loaderLoad("xdp_counter.o")
	if err != nil {
		b.Fatal(err)
	}
	pkt := udp4(0x0a000001, 54)
	for _, e := range engines {
		c, err := NewObjectCollection(obj, newMap, Options{Engine: e})
		if err != nil {
			b.Fatal(err)
		}
		p, err := c.LoadProgram(obj.Program("xdp_count"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(e.String()+"/RunXDP", func(b *testing.B) {
			for b.Loop() {
				if _, err := p.RunXDP(pkt, XDPMeta{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(e.String()+"/TestRun", func(b *testing.B) {
			res, err := p.TestRun(pkt, b.N)
			if err != nil || res.Verdict != "XDP_PASS" {
				b.Fatal(res.Verdict, err)
			}
		})
		p.Close()
	}
}

// TestConcurrentRuns: one program run from 4 goroutines on 2 CPUs (pooled
// frames, shared maps): every run sees its own packet, the hash counters
// (atomic adds) and the per-CPU counters (plain adds, one run per CPU at a
// time) add up (run with -race).
func TestConcurrentRuns(t *testing.T) {
	obj := loadObject(t, "xdp_counter.o")
	newMap2 := func(s maps.Spec) (maps.Map, error) { return maps.New(s, maps.Options{CPUs: 2}) }
	for _, e := range engines {
		c, _ := NewObjectCollection(obj, newMap2, Options{Engine: e, CPUs: 2})
		p, err := c.LoadProgram(obj.Program("xdp_count"))
		if err != nil {
			t.Fatal(err)
		}
		const workers, runs = 4, 200
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				pkt := udp4(0x0a000001, uint16(53+w%2)) // port 53 drops
				for range runs {
					res, err := p.RunXDP(pkt, XDPMeta{})
					if err == nil && (res.Action == XDPDrop) != (w%2 == 0) {
						err = fmt.Errorf("worker %d: %v", w, res.Action)
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range workers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		v, err := c.Maps()[obj.MapIndex("src_count")].Lookup(binary.LittleEndian.AppendUint32(nil, 0x0100000a))
		if err != nil || binary.LittleEndian.Uint64(v) != workers*runs {
			t.Errorf("%v: src_count %x, %v; want %d", e, v, err, workers*runs)
		}
		v, err = c.Maps()[obj.MapIndex("proto_count")].Lookup(binary.LittleEndian.AppendUint32(nil, 17)) // UDP, both CPUs' copies
		if err != nil || len(v) != 16 || binary.LittleEndian.Uint64(v)+binary.LittleEndian.Uint64(v[8:]) != workers*runs {
			t.Errorf("%v: proto_count[17] % x, %v; want copies adding up to %d", e, v, err, workers*runs)
		}
		p.Close()
	}
}

// BenchmarkTailCall: tailcall.o's dispatcher tail-calling xdp_drop_all.
// The tail call leaves through an exit patched after it (tailcall.go, step
// 4), not through the helper's error, which cost 2 us when the engines
// formatted and wrapped it for every call.
func BenchmarkTailCall(b *testing.B) {
	obj, _ := loaderLoad("tailcall.o")
	for _, e := range engines {
		c, _ := NewObjectCollection(obj, newMap, Options{Engine: e})
		p, _ := c.LoadProgram(obj.Program("xdp_dispatch"))
		t, _ := c.LoadProgram(obj.Program("xdp_drop_all"))
		c.Maps()[obj.MapIndex("jump_table")].(maps.ProgramArray).SetProgram(0, t)
		b.Run(e.String(), func(b *testing.B) {
			res, err := p.TestRun(make([]byte, 60), b.N)
			if err != nil || res.Retval != 1 {
				b.Fatal(res, err)
			}
		})
	}
}
