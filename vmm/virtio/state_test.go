package virtio_test

import (
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// restoreInto builds a fresh sink and transport over r's guest memory,
// restores s into it and makes the driver talk to it from now on.
func restoreInto(t *testing.T, r *rig, s virtio.State) error {
	t.Helper()
	r.dev = &sink{}
	r.mmio = virtio.NewMMIO(r.dev, r.drv.Mem, func() { r.irqs++ })
	r.drv.Dev = r.mmio
	return r.mmio.RestoreState(s)
}

// TestSnapshotRestore: save the transport in the middle of a run (with the
// ring indices wrapped past the queue size), restore it into a new device
// over the same memory, and the driver carries on: same ring positions,
// same interrupt state, same negotiated features.
func TestSnapshotRestore(t *testing.T) {
	for _, feats := range []uint64{all, virtio.Bit(virtio.FeatureVersion1)} {
		r := newRig(t)
		q := r.start(t, feats)
		// The driver asks for an interrupt at every entry, as Linux does
		// with callbacks enabled (used_event = its last seen index).
		for i := range 11 {
			q.SetUsedEvent(uint16(i))
			roundTrip(t, r, q)
		}
		s := r.mmio.SaveState()
		if err := restoreInto(t, r, s); err != nil {
			t.Fatal(err)
		}
		if r.dev.act == nil || r.dev.act.Features != feats {
			t.Fatalf("device not re-activated with features %#x: %+v", feats, r.dev.act)
		}
		for i := range 11 {
			q.SetUsedEvent(uint16(11 + i))
			if n := roundTrip(t, r, q); n != 1 {
				t.Fatalf("features %#x, round %d after restore: %d interrupts, want 1", feats, i, n)
			}
		}
		if got := r.mmio.SaveState().Queues[0].NextUsed; got != 22 {
			t.Fatalf("used index %d after restore and 11 more, want 22", got)
		}
	}
}

// TestRestoreRefusesBadState: a state this device could not be in is an
// error before anything changes.
func TestRestoreRefusesBadState(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *virtio.State)
	}{
		{"other device type", func(s *virtio.State) { s.DeviceType = 2 }},
		{"missing queue", func(s *virtio.State) { s.Queues = s.Queues[:1] }},
		{"unreachable status", func(s *virtio.State) { s.Status = virtio.StatusDriverOK }},
		{"unoffered feature", func(s *virtio.State) { s.DrvFeatures |= virtio.Bit(40) }},
		{"queue max changed", func(s *virtio.State) { s.Queues[0].MaxSizeAtCapture = 64 }},
		{"ring positions apart", func(s *virtio.State) { s.Queues[0].NextAvail = 100 }},
		{"ring outside memory", func(s *virtio.State) { s.Queues[0].Used = 1 << 40 }},
		{"size not a power of two", func(s *virtio.State) { s.Queues[0].Size = 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			q := r.start(t, all)
			roundTrip(t, r, q)
			s := r.mmio.SaveState()
			s.Queues = append([]virtio.QueueState(nil), s.Queues...)
			tt.edit(&s)
			if err := restoreInto(t, r, s); err == nil {
				t.Fatal("restore accepted")
			}
			if r.dev.act != nil {
				t.Fatal("device activated from a bad state")
			}
		})
	}
}

// FuzzRestoreState restores fuzzed states into a device over memory with
// rings in it, then notifies: never a panic.
func FuzzRestoreState(f *testing.F) {
	f.Add(uint32(15), uint64(virtio.CommonFeatures), uint16(8), uint64(0x1000), uint64(0x1080), uint64(0x10a0), uint16(3), uint16(3), uint16(2))
	f.Add(uint32(15), uint64(virtio.CommonFeatures), uint16(8), uint64(0xffff0), uint64(0xffffe), uint64(0xfffc0), uint16(0xffff), uint16(0xfffe), uint16(0))
	f.Add(uint32(0x4f), uint64(1<<32), uint16(0), uint64(0), uint64(0), uint64(0), uint16(0), uint16(0), uint16(0))
	f.Fuzz(func(t *testing.T, status uint32, feats uint64, size uint16, desc, avail, used uint64, na, nu, irq uint16) {
		r := newRig(t)
		q := r.start(t, all)
		q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 4, Write: true}})
		s := r.mmio.SaveState()
		s.Status, s.DrvFeatures = status, feats
		s.Queues[0] = virtio.QueueState{Size: size, Ready: true, Desc: desc, Avail: avail, Used: used,
			NextAvail: na, NextUsed: nu, LastIRQ: irq, MaxSizeAtCapture: 8}
		_ = restoreInto(t, r, s)
		_ = r.drv.Notify(0)
	})
}
