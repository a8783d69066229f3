package maps

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// The ring buffer (BPF_MAP_TYPE_RINGBUF), kernel/bpf/ringbuf.c and
// Documentation/bpf/ringbuf.rst: a multi-producer, single-consumer queue of
// variable-length records in a data area of max_entries bytes (a power of
// 2, a multiple of the page size).
//
//  1. Positions only grow: the producer position is where the next record
//     goes, the consumer position where the reader is; a position p lives
//     at byte p & (size-1) of the data area.
//  2. A record is an 8-byte header, then the sample, padded so the next
//     header is 8-byte aligned. The header is a u32 length with
//     BPF_RINGBUF_BUSY_BIT (bit 31) while the producer writes the sample
//     and BPF_RINGBUF_DISCARD_BIT (bit 30) if it was discarded, then a u32
//     pg_off: the header's page offset from the start of the kernel's
//     struct bpf_ringbuf (data starts at its page 3), which the kernel
//     uses to find the ring from a sample pointer.
//  3. Reserve (bpf_ringbuf_reserve) takes round_up(size+8, 8) bytes at the
//     producer position under a lock, fails (NULL in the kernel; here
//     EAGAIN) if that would put the producer more than size-1 bytes past
//     the consumer or past the oldest record still busy, writes the header
//     with the busy bit, and returns the sample's place. Submit and
//     Discard (bpf_ringbuf_submit/_discard) clear the busy bit, Discard
//     setting the discard bit; records may be committed in any order.
//  4. The reader (Reader, like libbpf's ring_buffer__consume) reads
//     records from the consumer position until it meets a busy one,
//     skips discarded ones, and moves the consumer position past them.
//
// A sample is contiguous even where it wraps: the kernel maps the data
// pages twice in a row, so a record that starts near the end continues into
// the second mapping, which is the start again. Here Memory() is the data
// area twice over, and a wrapped record is written contiguously into the
// second half: when it is reserved, the second half takes the bytes the
// ring holds there (stale ones, which the kernel's second mapping shows
// too), and when it is committed, the part past the end is copied back to
// the start of the first half. So the first half is always the ring as the
// kernel's mapping shows it, byte for byte (TestRingBytesAgainstKernel),
// and every access (the producer's sample, the reader's record) is
// contiguous from p & (size-1), as libbpf's is.
//
// Not done: wakeups (BPF_RB_NO_WAKEUP/FORCE_WAKEUP are accepted and do
// nothing; a reader polls and gets EAGAIN), epoll, and BPF_F_RB_OVERWRITE.
type ringBuf struct {
	base
	size uint64
	data []byte // the data area twice over: 2*size bytes

	// mu guards cons, prod, pend and every record header (the kernel's
	// rb->spinlock, which it takes to reserve; commit is an xchg there).
	mu               sync.Mutex
	cons, prod, pend uint64
}

// Record header bits and sizes (uapi/linux/bpf.h).
const (
	RingBusyBit    = 1 << 31         // BPF_RINGBUF_BUSY_BIT
	RingDiscardBit = 1 << 30         // BPF_RINGBUF_DISCARD_BIT
	RingHeaderSize = 8               // BPF_RINGBUF_HDR_SZ
	ringMaxRecord  = (1<<32 - 1) / 4 // RINGBUF_MAX_RECORD_SZ
	ringDataPage   = 3               // data's page in struct bpf_ringbuf
)

// bpf_ringbuf_output/submit/discard flags and bpf_ringbuf_query's.
const (
	RingNoWakeup    uint64 = 1 // BPF_RB_NO_WAKEUP
	RingForceWakeup uint64 = 2 // BPF_RB_FORCE_WAKEUP
	RingAvailData   uint64 = 0 // BPF_RB_AVAIL_DATA
	RingSize        uint64 = 1 // BPF_RB_RING_SIZE
	RingConsPos     uint64 = 2 // BPF_RB_CONS_POS
	RingProdPos     uint64 = 3 // BPF_RB_PROD_POS
)

// RingBuffer is a ring buffer's program face (the bpf_ringbuf_* helpers)
// and its reader; its Map face answers ENOTSUPP as bpf(2) does.
type RingBuffer interface {
	Map
	// Memory is the data area twice over; sample offsets point into it.
	Memory() []byte
	// Reserve is bpf_ringbuf_reserve: the offset in Memory() of size
	// bytes the program may write, or an error where the kernel returns
	// NULL: EINVAL (flags), E2BIG (too big for the ring), EAGAIN (full).
	Reserve(size, flags uint64) (off int, err error)
	// Submit and Discard commit a reserved sample; EINVAL if off is not
	// a sample still reserved.
	Submit(off int, flags uint64) error
	Discard(off int, flags uint64) error
	// Output is bpf_ringbuf_output: reserve, copy, submit; EAGAIN when
	// the record does not fit.
	Output(data []byte, flags uint64) error
	// Query is bpf_ringbuf_query (RingAvailData, RingSize, ...).
	Query(flags uint64) uint64
	// NewReader returns the consumer. There is one consumer position:
	// readers share it, as user-space consumers of one map do.
	NewReader() *Reader
}

func newRingBuf(spec Spec) (*ringBuf, error) {
	data, err := newSlab(spec, 2*uint64(spec.MaxEntries))
	if err != nil {
		return nil, err
	}
	return &ringBuf{base: base{spec: spec, cpus: 1}, size: uint64(spec.MaxEntries), data: data}, nil
}

func (r *ringBuf) Memory() []byte { return r.data }

// The syscall face: bpf(2) on a ring buffer is ENOTSUPP (and EINVAL with
// a key, which its key_size of 0 does not allow).
func (r *ringBuf) Lookup(key []byte) ([]byte, error)    { return nil, r.unsupported(key) }
func (r *ringBuf) Update(key, _ []byte, _ uint64) error { return r.unsupported(key) }
func (r *ringBuf) Delete(key []byte) error              { return r.unsupported(key) }
func (r *ringBuf) NextKey(key []byte) ([]byte, error)   { return nil, r.unsupported(key) }

func (r *ringBuf) unsupported(key []byte) error {
	if len(key) != 0 {
		return syscall.EINVAL
	}
	return ErrNotSupported
}

func (r *ringBuf) header(pos uint64) []byte {
	off := pos & (r.size - 1)
	return r.data[off : off+RingHeaderSize]
}

// recordLen is a record's bytes from its header's length word.
func recordLen(hdrLen uint32) uint64 {
	return (uint64(hdrLen&^(RingBusyBit|RingDiscardBit)) + RingHeaderSize + 7) &^ 7
}

func (r *ringBuf) Reserve(size, flags uint64) (int, error) {
	if flags != 0 {
		return 0, fmt.Errorf("maps: bpf_ringbuf_reserve flags %#x: %w", flags, syscall.EINVAL)
	}
	if size > ringMaxRecord || (size+RingHeaderSize+7)&^7 > r.size {
		return 0, syscall.E2BIG
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reserve(size)
}

// reserve is __bpf_ringbuf_reserve. Preconditions: r.mu is held.
func (r *ringBuf) reserve(size uint64) (int, error) {
	n := (size + RingHeaderSize + 7) &^ 7
	for r.pend < r.prod {
		h := binary.NativeEndian.Uint32(r.header(r.pend))
		if h&RingBusyBit != 0 {
			break
		}
		r.pend += recordLen(h)
	}
	next := r.prod + n
	if next-r.cons > r.size-1 || next-r.pend > r.size-1 {
		return 0, syscall.EAGAIN
	}
	off := r.prod & (r.size - 1)
	if end := off + n; end > r.size {
		copy(r.data[r.size:end], r.data[:end-r.size]) // the mirror, as of now
	}
	hdr := r.data[off:]
	binary.NativeEndian.PutUint32(hdr, uint32(size)|RingBusyBit)
	binary.NativeEndian.PutUint32(hdr[4:], uint32(ringDataPage+off/uint64(os.Getpagesize())))
	r.prod = next
	return int(off) + RingHeaderSize, nil
}

func (r *ringBuf) Submit(off int, _ uint64) error  { return r.commit(off, false) }
func (r *ringBuf) Discard(off int, _ uint64) error { return r.commit(off, true) }

// commit is bpf_ringbuf_commit: it mirrors a wrapped record's tail to the
// start of the ring, then clears the busy bit.
func (r *ringBuf) commit(off int, discard bool) error {
	hdrOff := uint64(off) - RingHeaderSize
	if off < RingHeaderSize || hdrOff >= r.size || hdrOff%8 != 0 {
		return fmt.Errorf("maps: ring buffer offset %d is not a sample: %w", off, syscall.EINVAL)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	h := binary.NativeEndian.Uint32(r.data[hdrOff:])
	if h&RingBusyBit == 0 || !r.inFlight(hdrOff) {
		return fmt.Errorf("maps: ring buffer offset %d is not a reserved sample: %w", off, syscall.EINVAL)
	}
	if end := hdrOff + recordLen(h); end > r.size {
		copy(r.data[:end-r.size], r.data[r.size:end])
	}
	h &^= RingBusyBit
	if discard {
		h |= RingDiscardBit
	}
	binary.NativeEndian.PutUint32(r.data[hdrOff:], h)
	return nil
}

// inFlight reports whether a record starts at hdrOff between the consumer
// and the producer. Preconditions: r.mu is held.
func (r *ringBuf) inFlight(hdrOff uint64) bool {
	for p := r.cons; p < r.prod; {
		if p&(r.size-1) == hdrOff {
			return true
		}
		p += recordLen(binary.NativeEndian.Uint32(r.header(p)))
	}
	return false
}

func (r *ringBuf) Output(data []byte, flags uint64) error {
	if flags&^(RingNoWakeup|RingForceWakeup) != 0 {
		return fmt.Errorf("maps: bpf_ringbuf_output flags %#x: %w", flags, syscall.EINVAL)
	}
	off, err := r.Reserve(uint64(len(data)), 0)
	if err != nil {
		return syscall.EAGAIN
	}
	copy(r.data[off:], data)
	return r.Submit(off, flags)
}

func (r *ringBuf) Query(flags uint64) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch flags {
	case RingAvailData:
		return r.prod - r.cons
	case RingSize:
		return r.size
	case RingConsPos:
		return r.cons
	case RingProdPos:
		return r.prod
	}
	return 0
}
