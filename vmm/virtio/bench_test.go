package virtio_test

import (
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// BenchmarkRequest is the device-model share of one request's cost: the
// driver adds a three-buffer chain, writes QueueNotify (through
// MMIO.Write, as the exit loop would), the device pops it, fills the
// writable buffer and pushes it, and the driver collects it. The KVM exit
// itself (8-10 µs here) is not included.
func BenchmarkRequest(b *testing.B) {
	for _, tc := range []struct {
		name     string
		indirect bool
	}{{"direct", false}, {"indirect", true}} {
		b.Run(tc.name, func(b *testing.B) {
			r := newRig(b)
			q := r.start(b, all)
			bufs := []virtiotest.Buf{{Addr: 0x9000, Len: 16}, {Addr: 0x9100, Len: 512, Write: true}, {Addr: 0x9400, Len: 1, Write: true}}
			table := r.drv.Alloc(48, 16)
			for i := 0; b.Loop(); i++ {
				if tc.indirect {
					addIndirectAt(r, q, table, bufs)
				} else {
					q.Add(bufs)
				}
				if err := r.drv.Notify(0); err != nil {
					b.Fatal(err)
				}
				if _, err := q.Collect(); err != nil {
					b.Fatal(err)
				}
				r.dev.chains = r.dev.chains[:0]
			}
		})
	}
}

// addIndirectAt is Queue.AddIndirect reusing one table, so the benchmark
// does not run out of test memory.
func addIndirectAt(r *rig, q *virtiotest.Queue, table uint64, bufs []virtiotest.Buf) {
	for k, b := range bufs {
		d := virtio.Desc{Addr: b.Addr, Len: b.Len}
		if b.Write {
			d.Flags = virtio.DescFWrite
		}
		if k < len(bufs)-1 {
			d.Flags |= virtio.DescFNext
			d.Next = uint16(k + 1)
		}
		r.drv.WriteDesc(table, uint16(k), d)
	}
	r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: table, Len: uint32(16 * len(bufs)), Flags: virtio.DescFIndirect})
	q.Publish(0)
}
