// Package rng is virtio-rng, the entropy device (virtio 1.2 spec 5.4): one
// queue, requestq, on which the driver places device-writable buffers and
// the device fills them with random bytes from the host (crypto/rand here).
//
// How a request is served:
//
//  1. The driver makes a chain of device-writable buffers available and
//     notifies queue 0 (spec 5.4.6.1; device-readable buffers carry nothing
//     for this device and are ignored).
//  2. The device fills the buffers in order, at most MaxRequest bytes per
//     chain — the spec lets it place "one or more" bytes (spec 5.4.6.2), and
//     a guest offering a 4 GiB buffer must not make the VMM read 4 GiB of
//     entropy in one exit.
//  3. It returns the chain with the number of bytes written and signals the
//     driver unless suppressed (virtio.SignalUsed).
//
// The device has no feature bits of its own and no configuration space.
package rng

import (
	"crypto/rand"
	"fmt"
	"io"

	"github.com/deepsys/deepsys/vmm/virtio"
)

// QueueSize is QueueNumMax of requestq.
const QueueSize = 256

// MaxRequest is the most bytes one chain receives.
const MaxRequest = 64 << 10

// Device is a virtio-rng device.
type Device struct {
	src io.Reader
	virtio.SingleQueue
}

// New returns a virtio-rng device reading from src, or crypto/rand if nil.
func New(src io.Reader) *Device {
	if src == nil {
		src = rand.Reader
	}
	return &Device{src: src, SingleQueue: virtio.SingleQueue{Name: "virtio-rng"}}
}

// Type is virtio.IDEntropy.
func (d *Device) Type() uint32 { return virtio.IDEntropy }

// Features offers only the transport features.
func (d *Device) Features() uint64 { return virtio.CommonFeatures }

// QueueMaxSizes is one requestq.
func (d *Device) QueueMaxSizes() []uint16 { return []uint16{QueueSize} }

// ReadConfig: there is no configuration space; it reads as zero.
func (d *Device) ReadConfig(off uint64, p []byte) { clear(p) }

// WriteConfig refuses every write.
func (d *Device) WriteConfig(off uint64, p []byte) error {
	return fmt.Errorf("virtio-rng: config write of %d bytes at %#x: the device has no configuration space", len(p), off)
}

// Notify fills every available chain of requestq.
func (d *Device) Notify(i int) error { return d.Serve(i, d.fill) }

// fill writes random bytes into the writable buffers of c (step 2).
func (d *Device) fill(c *virtio.Chain) (uint32, error) {
	var n uint32
	for _, b := range c.Writable() {
		want := min(uint64(b.Len), uint64(MaxRequest-n))
		p, err := d.Act.Mem.Slice(b.Addr, want)
		if err != nil {
			return n, err
		}
		if _, err := io.ReadFull(d.src, p); err != nil {
			return n, fmt.Errorf("virtio-rng: entropy source: %w", err)
		}
		n += uint32(want)
		if n == MaxRequest {
			break
		}
	}
	return n, nil
}
