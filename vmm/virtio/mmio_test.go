package virtio_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
)

// TestMMIORegisters reads the identification registers and the feature
// windows (spec 4.2.2).
func TestMMIORegisters(t *testing.T) {
	r := newRig(t)
	want := map[uint64]uint32{
		virtio.RegMagicValue: 0x74726976, virtio.RegVersion: 2, virtio.RegDeviceID: 42,
		virtio.RegVendorID: 0, virtio.RegStatus: 0, virtio.RegQueueNumMax: 8,
		virtio.RegSHMLenLow: 0xffffffff, virtio.RegSHMLenHigh: 0xffffffff,
	}
	for off, w := range want {
		if v, err := r.drv.Read32(off); err != nil || v != w {
			t.Errorf("register %#x = %#x, %v; want %#x", off, v, err, w)
		}
	}
	feats := r.dev.Features()
	for sel, w := range []uint32{uint32(feats), uint32(feats >> 32), 0} {
		r.drv.Write32(virtio.RegDeviceFeaturesSel, uint32(sel))
		if v, _ := r.drv.Read32(virtio.RegDeviceFeatures); v != w {
			t.Errorf("DeviceFeatures window %d = %#x, want %#x", sel, v, w)
		}
	}
	r.drv.Write32(virtio.RegQueueSel, 1)
	if v, _ := r.drv.Read32(virtio.RegQueueNumMax); v != 16 {
		t.Errorf("QueueNumMax of queue 1 = %d, want 16", v)
	}
	r.drv.Write32(virtio.RegQueueSel, 2)
	if v, _ := r.drv.Read32(virtio.RegQueueNumMax); v != 0 {
		t.Errorf("QueueNumMax of absent queue 2 = %d, want 0", v)
	}
}

// TestMMIOConfigSpace: config space starts at 0x100 and takes any width.
func TestMMIOConfigSpace(t *testing.T) {
	r := newRig(t)
	p := make([]byte, 3)
	if err := r.mmio.Read(virtio.ConfigOffset+5, p); err != nil || !bytes.Equal(p, []byte{5, 6, 7}) {
		t.Fatalf("config read %v, %v", p, err)
	}
	if err := r.mmio.Write(virtio.ConfigOffset, []byte{1}); err == nil {
		t.Fatal("config write to a read-only device succeeded")
	}
}

// TestMMIOAccessWidth: a register access that is not aligned 32 bits is an
// error naming the offset, and reads as zero.
func TestMMIOAccessWidth(t *testing.T) {
	r := newRig(t)
	p := []byte{0xff, 0xff}
	err := r.mmio.Read(virtio.RegMagicValue, p)
	var ae *virtio.AccessError
	if !errors.As(err, &ae) || ae.Offset != 0 || ae.Len != 2 || p[0] != 0 {
		t.Fatalf("2-byte read: %v, %v", err, p)
	}
	if err := r.mmio.Write(virtio.RegStatus+1, make([]byte, 4)); err == nil {
		t.Fatal("misaligned write accepted")
	}
	if _, err := r.drv.Read32(0x0f0); err == nil {
		t.Fatal("read of an undefined register accepted")
	}
}

// TestInitSequence walks spec 3.1.1 and checks the refusals: a skipped
// step, features the device did not offer, a driver without VERSION_1,
// queue setup before FEATURES_OK, and reset.
func TestInitSequence(t *testing.T) {
	r := newRig(t)
	if err := r.drv.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver); err == nil {
		t.Fatal("DRIVER before ACKNOWLEDGE accepted")
	}
	if _, err := r.drv.Init(virtio.Bit(3)); err == nil {
		t.Fatal("a driver without VIRTIO_F_VERSION_1 was accepted")
	}
	r.drv.Write32(virtio.RegStatus, 0)
	r.drv.Write32(virtio.RegStatus, virtio.StatusAcknowledge)
	r.drv.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver)
	r.drv.Write32(virtio.RegDriverFeaturesSel, 0)
	r.drv.Write32(virtio.RegDriverFeatures, 1<<5) // never offered
	r.drv.Write32(virtio.RegDriverFeaturesSel, 1)
	r.drv.Write32(virtio.RegDriverFeatures, 1) // VERSION_1
	if err := r.drv.Write32(virtio.RegQueueNum, 4); err == nil {
		t.Fatal("queue setup before FEATURES_OK accepted")
	}
	r.drv.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver|virtio.StatusFeaturesOK)
	if st := r.drv.Status(); st&virtio.StatusFeaturesOK != 0 {
		t.Fatalf("status %#x: FEATURES_OK kept for an unoffered feature", st)
	}
	got, err := r.drv.Init(all | virtio.Bit(3) | virtio.Bit(5))
	if err != nil || got != all|virtio.Bit(3) {
		t.Fatalf("Init: %#x, %v", got, err)
	}
	if _, err := r.drv.SetupQueue(0, 8); err != nil {
		t.Fatal(err)
	}
	if err := r.drv.Write32(virtio.RegQueueNum, 4); err == nil {
		t.Fatal("QueueNum changed on a ready queue")
	}
	if err := r.drv.Start(); err != nil || r.dev.act == nil || r.dev.act.Features != got {
		t.Fatalf("DRIVER_OK: %v, activation %+v", err, r.dev.act)
	}
	r.drv.Write32(virtio.RegStatus, 0)
	if st := r.drv.Status(); st != 0 || r.dev.act != nil {
		t.Fatalf("after reset: status %#x, device still active", st)
	}
}

// TestBadQueueSetup: DRIVER_OK with a queue that does not fit the spec or
// guest memory fails the device instead of activating it.
func TestBadQueueSetup(t *testing.T) {
	tests := []struct {
		name string
		reg  uint64
		v    uint32
	}{
		{"size not a power of two", virtio.RegQueueNum, 6},
		{"size above QueueNumMax", virtio.RegQueueNum, 16},
		{"misaligned descriptor table", virtio.RegQueueDescLow, 0x1008},
		{"used ring outside memory", virtio.RegQueueDeviceHigh, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if _, err := r.drv.Init(all); err != nil {
				t.Fatal(err)
			}
			if _, err := r.drv.SetupQueue(0, 8); err != nil {
				t.Fatal(err)
			}
			r.drv.Write32(virtio.RegQueueReady, 0)
			r.drv.Write32(tt.reg, tt.v)
			r.drv.Write32(virtio.RegQueueReady, 1)
			if err := r.drv.Start(); err == nil || r.dev.act != nil {
				t.Fatalf("DRIVER_OK: %v; device activated", err)
			}
			if st := r.drv.Status(); st&virtio.StatusDeviceNeedsReset == 0 {
				t.Fatalf("status %#x lacks DEVICE_NEEDS_RESET", st)
			}
		})
	}
}

// TestInterruptAck: a used-buffer interrupt sets bit 0 of InterruptStatus
// until the driver acknowledges it.
func TestInterruptAck(t *testing.T) {
	r := newRig(t)
	q := r.start(t, virtio.Bit(virtio.FeatureVersion1))
	roundTrip(t, r, q)
	if v, _ := r.drv.Read32(virtio.RegInterruptStatus); v != virtio.IntUsedBuffer {
		t.Fatalf("InterruptStatus %#x, want 1", v)
	}
	r.drv.Write32(virtio.RegInterruptACK, virtio.IntUsedBuffer)
	if v, _ := r.drv.Read32(virtio.RegInterruptStatus); v != 0 {
		t.Fatalf("InterruptStatus %#x after ACK, want 0", v)
	}
}
