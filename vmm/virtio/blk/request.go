package blk

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/deepsys/deepsys/vmm/virtio"
)

// Request types (spec 5.2.6).
const (
	TypeIn          = 0
	TypeOut         = 1
	TypeFlush       = 4
	TypeGetID       = 8
	TypeDiscard     = 11
	TypeWriteZeroes = 13
)

// Status values (spec 5.2.6).
const (
	StatusOK     = 0
	StatusIOErr  = 1
	StatusUnsupp = 2
)

// headerSize is struct virtio_blk_req up to data: type, reserved, sector.
const headerSize = 16

// Request is one parsed request: its header and where its data and status
// byte live in the chain.
type Request struct {
	Type   uint32
	Sector uint64
	In     []virtio.Buffer // device-readable buffers: header, then OUT data
	Out    []virtio.Buffer // device-writable buffers: IN data, then status
	// DataLen is the length of the data part: readable bytes after the
	// header for OUT, writable bytes before the status for IN and GET_ID.
	DataLen uint64
}

// parseRequest reads the header of c (step 1 of the package comment).
func parseRequest(mem virtio.GuestMemory, c *virtio.Chain) (*Request, error) {
	r := &Request{In: c.Readable(), Out: c.Writable()}
	in, out := virtio.TotalLen(r.In), virtio.TotalLen(r.Out)
	if out == 0 {
		return nil, fmt.Errorf("virtio-blk: request at head %d has no device-writable status byte", c.Head)
	}
	var h [headerSize]byte
	if err := virtio.CopyOut(mem, r.In, 0, h[:]); err != nil {
		return r, fmt.Errorf("virtio-blk: request at head %d: header: %w", c.Head, err)
	}
	r.Type = binary.LittleEndian.Uint32(h[0:])
	r.Sector = binary.LittleEndian.Uint64(h[8:])
	if r.Type == TypeOut {
		r.DataLen = in - headerSize
	} else {
		r.DataLen = out - 1
	}
	return r, nil
}

// checkRange is step 2: data in whole sectors and inside the disk.
func (d *Device) checkRange(r *Request) error {
	if r.DataLen > math.MaxUint32-1 {
		// the used ring's len is 32 bits and must hold data + status
		return fmt.Errorf("virtio-blk: %d data bytes do not fit a used-ring length", r.DataLen)
	}
	if r.DataLen%SectorSize != 0 {
		return fmt.Errorf("virtio-blk: %d data bytes is not a multiple of %d", r.DataLen, SectorSize)
	}
	n := r.DataLen / SectorSize
	if r.Sector > d.capacity || n > d.capacity-r.Sector {
		return fmt.Errorf("virtio-blk: sectors [%d, +%d) are past the capacity %d", r.Sector, n, d.capacity)
	}
	return nil
}
