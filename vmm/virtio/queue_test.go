package virtio_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

const all = virtio.CommonFeatures

func TestChainedDescriptors(t *testing.T) {
	r := newRig(t)
	q := r.start(t, all)
	in := r.drv.Put([]byte("hello"))
	out := r.drv.Alloc(7, 1)
	head := q.Add([]virtiotest.Buf{{Addr: in, Len: 5}, {Addr: out, Len: 3, Write: true}, {Addr: out + 3, Len: 4, Write: true}})
	if err := r.drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	used, err := q.Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(used) != 1 || used[0] != (virtiotest.UsedElem{ID: uint32(head), Len: 7}) {
		t.Fatalf("used ring: %+v, want head %d len 7", used, head)
	}
	c := r.dev.chains[0]
	if len(c.Readable()) != 1 || len(c.Writable()) != 2 || c.Readable()[0].Addr != in {
		t.Fatalf("chain %+v", c)
	}
	if got := string(r.drv.Bytes(out, 7)); got != strings.Repeat("\xab", 7) {
		t.Fatalf("writable bytes %q", got)
	}
}

func TestIndirectDescriptors(t *testing.T) {
	r := newRig(t)
	q := r.start(t, all)
	a, b := r.drv.Alloc(16, 16), r.drv.Alloc(32, 16)
	q.AddIndirect([]virtiotest.Buf{{Addr: a, Len: 16}, {Addr: b, Len: 32, Write: true}})
	if err := r.drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	used, _ := q.Collect()
	if len(used) != 1 || used[0].Len != 32 {
		t.Fatalf("used %+v", used)
	}
	bufs := r.dev.chains[0].Buffers
	if len(bufs) != 2 || bufs[0] != (virtio.Buffer{Addr: a, Len: 16}) || bufs[1] != (virtio.Buffer{Addr: b, Len: 32, Write: true}) {
		t.Fatalf("buffers %+v", bufs)
	}
}

// TestRingWraps pushes three times the queue size through queue 0, so the
// 16-bit indices wrap around the ring.
func TestRingWraps(t *testing.T) {
	r := newRig(t)
	q := r.start(t, all)
	buf := r.drv.Alloc(4, 4)
	for i := range 24 {
		head := q.Add([]virtiotest.Buf{{Addr: buf, Len: 4, Write: true}})
		if err := r.drv.Notify(0); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		used, err := q.Collect()
		if err != nil || len(used) != 1 || used[0].ID != uint32(head) {
			t.Fatalf("round %d: used %+v, %v", i, used, err)
		}
	}
}

// TestHostileChains: every malformed ring or chain is an error naming the
// queue and descriptor, the device stops with DEVICE_NEEDS_RESET and a
// configuration-change interrupt, and nothing panics or loops.
func TestHostileChains(t *testing.T) {
	tests := []struct {
		name  string
		feats uint64
		build func(r *rig, q *virtiotest.Queue)
		want  string
	}{
		{"self loop", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 0x8000, Len: 1, Flags: virtio.DescFNext, Next: 0})
			q.Publish(0)
		}, "loop"},
		{"two-descriptor loop", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 3, virtio.Desc{Addr: 0x8000, Len: 1, Flags: virtio.DescFNext, Next: 5})
			r.drv.WriteDesc(q.Desc, 5, virtio.Desc{Addr: 0x8000, Len: 1, Flags: virtio.DescFNext, Next: 3})
			q.Publish(3)
		}, "loop"},
		{"next past the table", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 0x8000, Len: 1, Flags: virtio.DescFNext, Next: 8})
			q.Publish(0)
		}, "past the end"},
		{"head past the table", all, func(r *rig, q *virtiotest.Queue) { q.Publish(9) }, "not a descriptor index"},
		{"buffer outside memory", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 1 << 40, Len: 1})
			q.Publish(0)
		}, "outside guest memory"},
		{"huge length", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 0x8000, Len: 0xffffffff, Flags: virtio.DescFWrite})
			q.Publish(0)
		}, "outside guest memory"},
		{"address wraps", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: ^uint64(0) - 2, Len: 16})
			q.Publish(0)
		}, "outside guest memory"},
		{"readable after writable", all, func(r *rig, q *virtiotest.Queue) {
			q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 1, Write: true}, {Addr: 0x8000, Len: 1}})
		}, "device-readable buffer after a device-writable one"},
		{"indirect without the feature", virtio.Bit(virtio.FeatureVersion1), func(r *rig, q *virtiotest.Queue) {
			q.AddIndirect([]virtiotest.Buf{{Addr: 0x8000, Len: 1}})
		}, "without VIRTIO_F_INDIRECT_DESC"},
		{"indirect inside indirect", all, func(r *rig, q *virtiotest.Queue) {
			table := r.drv.Alloc(32, 16)
			r.drv.WriteDesc(table, 0, virtio.Desc{Addr: table, Len: 32, Flags: virtio.DescFIndirect})
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: table, Len: 32, Flags: virtio.DescFIndirect})
			q.Publish(0)
		}, "indirect descriptor inside an indirect table"},
		{"indirect loop", all, func(r *rig, q *virtiotest.Queue) {
			table := r.drv.Alloc(32, 16)
			r.drv.WriteDesc(table, 0, virtio.Desc{Addr: 0x8000, Len: 1, Flags: virtio.DescFNext, Next: 1})
			r.drv.WriteDesc(table, 1, virtio.Desc{Addr: 0x8000, Len: 1, Flags: virtio.DescFNext, Next: 0})
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: table, Len: 32, Flags: virtio.DescFIndirect})
			q.Publish(0)
		}, "loop"},
		{"indirect with NEXT", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 0x9000, Len: 16, Flags: virtio.DescFIndirect | virtio.DescFNext, Next: 1})
			q.Publish(0)
		}, "NEXT"},
		{"indirect table of odd length", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 0x9000, Len: 17, Flags: virtio.DescFIndirect})
			q.Publish(0)
		}, "multiple of 16"},
		{"huge indirect table", all, func(r *rig, q *virtiotest.Queue) {
			r.drv.WriteDesc(q.Desc, 0, virtio.Desc{Addr: 0x9000, Len: 0xfffffff0, Flags: virtio.DescFIndirect})
			q.Publish(0)
		}, "more than 32768"},
		{"avail.idx far ahead", all, func(r *rig, q *virtiotest.Queue) {
			for range 9 {
				q.Publish(0)
			}
		}, "more than the queue size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			q := r.start(t, tt.feats)
			tt.build(r, q)
			err := r.drv.Notify(0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("notify: %v, want an error containing %q", err, tt.want)
			}
			if st := r.drv.Status(); st&virtio.StatusDeviceNeedsReset == 0 {
				t.Fatalf("status %#x lacks DEVICE_NEEDS_RESET", st)
			}
			if is, _ := r.drv.Read32(virtio.RegInterruptStatus); is&virtio.IntConfigChange == 0 || r.irqs == 0 {
				t.Fatalf("interrupt status %#x, %d interrupts: want a configuration change", is, r.irqs)
			}
			if err := r.drv.Notify(0); !errors.Is(err, virtio.ErrNeedsReset) {
				t.Fatalf("notify after the failure: %v, want ErrNeedsReset", err)
			}
			// The driver recovers by resetting (spec 2.1.2).
			r.drv.Queues = nil
			q = r.start(t, all)
			q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 1, Write: true}})
			if err := r.drv.Notify(0); err != nil {
				t.Fatalf("after reset: %v", err)
			}
		})
	}
}
