package maps

import (
	"encoding/binary"
	"syscall"
)

// Reader consumes a ring buffer's records in order, as libbpf's
// ringbuf_process_ring does: it stops at the first record still busy (a
// later record may be committed already; it waits its turn), skips
// discarded records, and advances the consumer position past each record
// it passes, which frees the space for producers.
type Reader struct {
	r *ringBuf
}

func (r *ringBuf) NewReader() *Reader { return &Reader{r: r} }

// Read returns a copy of the next committed sample, or ErrWouldBlock
// (EAGAIN) when there is none yet.
func (rd *Reader) Read() ([]byte, error) {
	r := rd.r
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.cons < r.prod {
		hdrOff := r.cons & (r.size - 1)
		h := binary.NativeEndian.Uint32(r.data[hdrOff:])
		if h&RingBusyBit != 0 {
			break
		}
		r.cons += recordLen(h)
		if h&RingDiscardBit == 0 {
			start := hdrOff + RingHeaderSize
			return append([]byte(nil), r.data[start:start+uint64(h)]...), nil
		}
	}
	return nil, syscall.EAGAIN
}

// Available is the bytes between the consumer and the producer position:
// records not yet read, busy ones included.
func (rd *Reader) Available() uint64 { return rd.r.Query(RingAvailData) }
