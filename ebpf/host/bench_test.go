package host

import (
	"testing"
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
