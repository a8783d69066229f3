package virtio_test

import (
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// roundTrip makes one writable buffer available, notifies, and returns how
// many interrupts it raised.
func roundTrip(t *testing.T, r *rig, q *virtiotest.Queue) int {
	t.Helper()
	before := r.irqs
	q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 1, Write: true}})
	if err := r.drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Collect(); err != nil {
		t.Fatal(err)
	}
	return r.irqs - before
}

// TestNoInterruptFlag: without EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT
// suppresses the used-buffer interrupt (spec 2.7.7.2).
func TestNoInterruptFlag(t *testing.T) {
	r := newRig(t)
	q := r.start(t, virtio.Bit(virtio.FeatureVersion1))
	if n := roundTrip(t, r, q); n != 1 {
		t.Fatalf("%d interrupts, want 1", n)
	}
	q.SetAvailFlags(1)
	if n := roundTrip(t, r, q); n != 0 {
		t.Fatalf("%d interrupts with NO_INTERRUPT, want 0", n)
	}
}

// TestUsedEvent: with EVENT_IDX the device interrupts only when used.idx
// steps past used_event (spec 2.7.10), and the flag is ignored.
func TestUsedEvent(t *testing.T) {
	r := newRig(t)
	q := r.start(t, all)
	q.SetAvailFlags(1) // ignored under EVENT_IDX
	q.SetUsedEvent(0)  // interrupt when entry 0 is used
	if n := roundTrip(t, r, q); n != 1 {
		t.Fatalf("first entry: %d interrupts, want 1", n)
	}
	q.SetUsedEvent(3) // not until entry 3 is used
	for i := 1; i <= 3; i++ {
		want := 0
		if i == 3 {
			want = 1
		}
		if n := roundTrip(t, r, q); n != want {
			t.Fatalf("entry %d: %d interrupts, want %d", i, n, want)
		}
	}
}

// TestAvailEvent: with EVENT_IDX the device publishes the next index it
// wants to be notified at; SetNotify(false) stops publishing it.
func TestAvailEvent(t *testing.T) {
	r := newRig(t)
	q := r.start(t, all)
	roundTrip(t, r, q)
	roundTrip(t, r, q)
	if ev := q.AvailEvent(); ev != 2 {
		t.Fatalf("avail_event %d, want 2", ev)
	}
	if err := r.dev.act.Queues[0].SetNotify(false); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, r, q)
	if ev := q.AvailEvent(); ev != 2 {
		t.Fatalf("avail_event %d after SetNotify(false), want it left at 2", ev)
	}
}

// TestNoNotifyFlag: without EVENT_IDX, SetNotify(false) sets
// VIRTQ_USED_F_NO_NOTIFY (spec 2.7.7.1).
func TestNoNotifyFlag(t *testing.T) {
	r := newRig(t)
	q := r.start(t, virtio.Bit(virtio.FeatureVersion1))
	dq := r.dev.act.Queues[0]
	if err := dq.SetNotify(false); err != nil {
		t.Fatal(err)
	}
	if f := q.UsedFlags(); f != 1 {
		t.Fatalf("used.flags %d, want 1", f)
	}
	if err := dq.SetNotify(true); err != nil {
		t.Fatal(err)
	}
	if f := q.UsedFlags(); f != 0 {
		t.Fatalf("used.flags %d, want 0", f)
	}
}
