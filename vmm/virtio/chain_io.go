package virtio

import "fmt"

// Spec 2.6.4 (message framing): a device must not assume how the driver
// split a request into buffers; a 16-byte header may come in one buffer or
// in sixteen. These helpers treat a run of buffers as one byte stream.

// TotalLen is the byte length of bufs together.
func TotalLen(bufs []Buffer) uint64 {
	var n uint64
	for _, b := range bufs {
		n += uint64(b.Len)
	}
	return n
}

// Segments returns the guest-memory slices covering bytes [off, off+n) of
// the stream bufs make, in order, aliasing guest memory.
func Segments(mem GuestMemory, bufs []Buffer, off, n uint64) ([][]byte, error) {
	if total := TotalLen(bufs); off > total || n > total-off {
		return nil, fmt.Errorf("bytes [%d, +%d) are past the %d bytes of the buffers", off, n, total)
	}
	var segs [][]byte
	for _, b := range bufs {
		if n == 0 {
			break
		}
		if off >= uint64(b.Len) {
			off -= uint64(b.Len)
			continue
		}
		take := min(uint64(b.Len)-off, n)
		s, err := mem.Slice(b.Addr+off, take)
		if err != nil {
			return nil, err
		}
		segs = append(segs, s)
		off, n = 0, n-take
	}
	return segs, nil
}

// CopyOut copies bytes [off, off+len(p)) of the stream into p.
func CopyOut(mem GuestMemory, bufs []Buffer, off uint64, p []byte) error {
	segs, err := Segments(mem, bufs, off, uint64(len(p)))
	for _, s := range segs {
		p = p[copy(p, s):]
	}
	return err
}

// CopyIn copies p into bytes [off, off+len(p)) of the stream.
func CopyIn(mem GuestMemory, bufs []Buffer, off uint64, p []byte) error {
	segs, err := Segments(mem, bufs, off, uint64(len(p)))
	for _, s := range segs {
		p = p[copy(s, p):]
	}
	return err
}
