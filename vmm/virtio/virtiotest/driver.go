// Package virtiotest is a minimal virtio driver for tests: it plays the
// guest's side of spec 3.1 (device initialisation through the virtio-mmio
// registers) and of spec 2.7.13 (placing descriptor chains on a split
// virtqueue, notifying, reading the used ring) over a virtio.ByteMemory, so
// device models can be tested without a guest kernel. It writes guest
// memory exactly as Linux's virtio_ring.c lays it out; it trusts nothing it
// reads back from the device.
package virtiotest

import (
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/vmm/virtio"
)

// Transport is the register page of one device (virtio.MMIO).
type Transport interface {
	Read(off uint64, p []byte) error
	Write(off uint64, p []byte) error
}

// Driver drives one device over Mem, allocating rings and buffers from a
// bump allocator.
type Driver struct {
	Dev    Transport
	Mem    *virtio.ByteMemory
	Queues []*Queue
	next   uint64 // next free guest-physical address
}

// New returns a driver for dev whose allocations start at 4 KiB into mem.
func New(dev Transport, mem *virtio.ByteMemory) *Driver {
	return &Driver{Dev: dev, Mem: mem, next: mem.Base + 0x1000}
}

// Alloc reserves n bytes aligned to align and returns their address.
func (d *Driver) Alloc(n, align uint64) uint64 {
	d.next = (d.next + align - 1) &^ (align - 1)
	a := d.next
	d.next += n
	if d.next > d.Mem.Base+uint64(len(d.Mem.Bytes)) {
		panic("virtiotest: out of test guest memory") // a bug in the test
	}
	return a
}

// Put copies p into freshly allocated guest memory.
func (d *Driver) Put(p []byte) uint64 {
	a := d.Alloc(uint64(len(p)), 16)
	copy(d.Bytes(a, uint64(len(p))), p)
	return a
}

// Bytes returns guest memory at [a, a+n); the test owns these addresses.
func (d *Driver) Bytes(a, n uint64) []byte {
	b, err := d.Mem.Slice(a, n)
	if err != nil {
		panic(err) // a bug in the test
	}
	return b
}

// Read32 reads a register.
func (d *Driver) Read32(off uint64) (uint32, error) {
	var b [4]byte
	err := d.Dev.Read(off, b[:])
	return binary.LittleEndian.Uint32(b[:]), err
}

// Write32 writes a register.
func (d *Driver) Write32(off uint64, v uint32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return d.Dev.Write(off, b[:])
}

// Init runs steps 1-6 of spec 3.1.1: check the magic and version, reset,
// ACKNOWLEDGE, DRIVER, negotiate want & offered, FEATURES_OK, and check the
// device kept it. It returns the negotiated features.
func (d *Driver) Init(want uint64) (uint64, error) {
	if m, _ := d.Read32(virtio.RegMagicValue); m != virtio.MagicValue {
		return 0, fmt.Errorf("magic %#x", m)
	}
	if v, _ := d.Read32(virtio.RegVersion); v != virtio.Version {
		return 0, fmt.Errorf("version %d", v)
	}
	offered, err := d.deviceFeatures()
	if err != nil {
		return 0, err
	}
	feats := want & offered
	steps := []func() error{
		func() error { return d.Write32(virtio.RegStatus, 0) },
		func() error { return d.Write32(virtio.RegStatus, virtio.StatusAcknowledge) },
		func() error { return d.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver) },
		func() error { return d.writeDriverFeatures(feats) },
		func() error {
			return d.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver|virtio.StatusFeaturesOK)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return 0, err
		}
	}
	if st, _ := d.Read32(virtio.RegStatus); st&virtio.StatusFeaturesOK == 0 {
		return 0, fmt.Errorf("device refused features %#x (status %#x)", feats, st)
	}
	return feats, nil
}

func (d *Driver) deviceFeatures() (uint64, error) {
	var f uint64
	for sel := range uint32(2) {
		if err := d.Write32(virtio.RegDeviceFeaturesSel, sel); err != nil {
			return 0, err
		}
		v, err := d.Read32(virtio.RegDeviceFeatures)
		if err != nil {
			return 0, err
		}
		f |= uint64(v) << (32 * sel)
	}
	return f, nil
}

func (d *Driver) writeDriverFeatures(f uint64) error {
	for sel := range uint32(2) {
		if err := d.Write32(virtio.RegDriverFeaturesSel, sel); err != nil {
			return err
		}
		if err := d.Write32(virtio.RegDriverFeatures, uint32(f>>(32*sel))); err != nil {
			return err
		}
	}
	return nil
}

// Start sets DRIVER_OK (spec 3.1.1 step 8).
func (d *Driver) Start() error {
	return d.Write32(virtio.RegStatus,
		virtio.StatusAcknowledge|virtio.StatusDriver|virtio.StatusFeaturesOK|virtio.StatusDriverOK)
}

// Notify writes queue i to QueueNotify.
func (d *Driver) Notify(i uint32) error { return d.Write32(virtio.RegQueueNotify, i) }

// Status reads the device status.
func (d *Driver) Status() uint32 { v, _ := d.Read32(virtio.RegStatus); return v }
