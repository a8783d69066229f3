package blk

import "github.com/deepsys/deepsys/vmm/virtio"

// serve handles one chain and returns the bytes written into its
// device-writable buffers (steps 2-4 of the package comment).
func (d *Device) serve(c *virtio.Chain) uint32 {
	mem := d.Act.Mem
	r, err := parseRequest(mem, c)
	if r == nil {
		return 0 // no status byte to answer in
	}
	status, written := byte(StatusIOErr), uint64(0)
	if err == nil {
		status, written = d.execute(mem, r)
	}
	if virtio.CopyIn(mem, r.Out, virtio.TotalLen(r.Out)-1, []byte{status}) != nil {
		return 0
	}
	return uint32(written + 1)
}

// execute performs a well-formed request and returns its status and the
// data bytes it wrote into guest memory.
func (d *Device) execute(mem virtio.GuestMemory, r *Request) (byte, uint64) {
	switch r.Type {
	case TypeIn:
		if d.checkRange(r) != nil || d.transfer(mem, r, r.Out, false) != nil {
			return StatusIOErr, 0
		}
		return StatusOK, r.DataLen
	case TypeOut:
		if d.opts.ReadOnly || d.checkRange(r) != nil || d.transfer(mem, r, r.In, true) != nil {
			return StatusIOErr, 0
		}
		return StatusOK, 0
	case TypeFlush:
		if d.opts.ReadOnly {
			return StatusOK, 0
		}
		if d.file.Sync() != nil {
			return StatusIOErr, 0
		}
		return StatusOK, 0
	case TypeGetID:
		return d.getID(mem, r)
	}
	return StatusUnsupp, 0
}

// transfer moves r's data between the file and guest memory, straight
// into or out of the guest's buffers. For OUT the data follows the header
// in the readable stream; for IN it starts the writable stream.
func (d *Device) transfer(mem virtio.GuestMemory, r *Request, bufs []virtio.Buffer, write bool) error {
	var skip uint64
	if write {
		skip = headerSize
	}
	segs, err := virtio.Segments(mem, bufs, skip, r.DataLen)
	if err != nil {
		return err
	}
	pos := int64(r.Sector * SectorSize)
	for _, s := range segs {
		if write {
			_, err = d.file.WriteAt(s, pos)
		} else {
			_, err = d.file.ReadAt(s, pos) // a short read is an error
		}
		if err != nil {
			return err
		}
		pos += int64(len(s))
	}
	return nil
}

// getID writes the 20-byte serial, NUL-padded (spec 5.2.6: not
// NUL-terminated when it is 20 bytes long).
func (d *Device) getID(mem virtio.GuestMemory, r *Request) (byte, uint64) {
	if r.DataLen < IDBytes {
		return StatusIOErr, 0
	}
	id := make([]byte, IDBytes)
	copy(id, d.opts.ID)
	if virtio.CopyIn(mem, r.Out, 0, id) != nil {
		return StatusIOErr, 0
	}
	return StatusOK, IDBytes
}
