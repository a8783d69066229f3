// Package blk is virtio-blk on a host file (virtio 1.2 spec 5.2): the guest
// sees a disk of capacity 512-byte sectors, the file's size rounded down.
//
// How a request is served (spec 5.2.6):
//
//  1. The driver makes a chain available on requestq (queue 0): a
//     device-readable header {type le32, reserved le32, sector le64}, the
//     data (device-readable for OUT, device-writable for IN and GET_ID),
//     and one device-writable status byte at the very end. The split into
//     buffers is the driver's choice (spec 2.6.4); the device reads the
//     chain as two byte streams (virtio.Segments).
//  2. The device checks the request against the disk: IN and OUT data is a
//     multiple of 512 bytes and [sector, sector + len/512) lies inside the
//     capacity, else VIRTIO_BLK_S_IOERR without touching the file — so a
//     hostile request can never read or write the host file outside the
//     image (spec 5.2.6.1). A read-only disk offers VIRTIO_BLK_F_RO and
//     answers OUT with IOERR, writing nothing.
//  3. It moves the data between the file and guest memory directly (pread /
//     pwrite into the guest's buffers, no copy), answers FLUSH with fsync
//     and GET_ID with the 20-byte serial, and anything else with
//     VIRTIO_BLK_S_UNSUPP.
//  4. It writes the status byte, returns the chain with the number of bytes
//     it wrote (data read plus the status byte), and interrupts the driver
//     unless suppressed.
//
// A chain too short to hold a header and a status byte cannot be answered
// with a status; it is returned with length 0. A chain that is malformed
// as a chain (loops, bad addresses) stops the device (package virtio).
//
// Not here: multiple queues, DISCARD and WRITE_ZEROES, a writeback cache
// toggle (CONFIG_WCE), and asynchronous I/O (each request blocks the
// notifying thread, as Firecracker's synchronous file engine does).
package blk

import (
	"fmt"
	"os"

	"github.com/deepsys/deepsys/vmm/virtio"
)

// Feature bits of virtio-blk (spec 5.2.3) this device may offer.
const (
	FeatureRO    = 5 // VIRTIO_BLK_F_RO: the disk is read-only
	FeatureFlush = 9 // VIRTIO_BLK_F_FLUSH: FLUSH requests
)

// SectorSize is the unit of sector and capacity, whatever the block size
// (spec 5.2.6).
const SectorSize = 512

// QueueSize is QueueNumMax of requestq.
const QueueSize = 256

// IDBytes is the length of the GET_ID answer (VIRTIO_BLK_ID_BYTES).
const IDBytes = 20

// Options configure a disk.
type Options struct {
	ReadOnly bool   // open the file read-only and offer VIRTIO_BLK_F_RO
	ID       string // serial returned by GET_ID, at most 20 bytes
}

// Device is a virtio-blk disk backed by a file.
type Device struct {
	file     *os.File
	opts     Options
	capacity uint64 // in sectors
	virtio.SingleQueue
}

// Open opens the disk image at path.
func Open(path string, opts Options) (*Device, error) {
	if len(opts.ID) > IDBytes {
		return nil, fmt.Errorf("virtio-blk: id %q is longer than %d bytes", opts.ID, IDBytes)
	}
	flag := os.O_RDWR
	if opts.ReadOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("virtio-blk: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("virtio-blk: %w", err)
	}
	return &Device{file: f, opts: opts, capacity: uint64(st.Size()) / SectorSize,
		SingleQueue: virtio.SingleQueue{Name: "virtio-blk"}}, nil
}

// Close closes the image file.
func (d *Device) Close() error { return d.file.Close() }

// Capacity is the disk size in 512-byte sectors.
func (d *Device) Capacity() uint64 { return d.capacity }

// Type is virtio.IDBlock.
func (d *Device) Type() uint32 { return virtio.IDBlock }

// Features offers FLUSH, RO for a read-only disk, and the transport
// features.
func (d *Device) Features() uint64 {
	f := uint64(virtio.CommonFeatures | 1<<FeatureFlush)
	if d.opts.ReadOnly {
		f |= 1 << FeatureRO
	}
	return f
}

// QueueMaxSizes is one requestq.
func (d *Device) QueueMaxSizes() []uint16 { return []uint16{QueueSize} }

// Notify serves every available request of requestq.
func (d *Device) Notify(i int) error {
	return d.Serve(i, func(c *virtio.Chain) (uint32, error) { return d.serve(c), nil })
}
