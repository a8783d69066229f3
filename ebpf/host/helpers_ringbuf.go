package host

// Ring buffer helpers (kernel/bpf/ringbuf.c) over the maps package's ring
// buffer, whose data area (twice over, as the kernel maps its pages) is the
// map's region (link.go, step 1):
//
//   - bpf_ringbuf_output(ringbuf, data, size, flags): copies a record in;
//     0 or -errno (-EAGAIN when full);
//   - bpf_ringbuf_reserve(ringbuf, size, flags): the address of a sample
//     of size bytes in the region, which the program fills in place, or
//     NULL;
//   - bpf_ringbuf_submit(sample, flags), bpf_ringbuf_discard(sample,
//     flags): commit the reservation at that address; the map is the one
//     whose region holds it (the kernel finds the ring from the sample's
//     page offset, in its header);
//   - bpf_ringbuf_query(ringbuf, flags): the ring's positions and sizes.
//
// The kernel's verifier guarantees that a sample is submitted or discarded
// exactly once and that reserve's size is a constant; here a submit of
// something that is not a reservation stops the program with the maps
// package's error.

import (
	"fmt"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// ringBuffer is what the helpers need of the maps package's RingBuffer.
type ringBuffer interface {
	Reserve(size, flags uint64) (off int, err error)
	Submit(off int, flags uint64) error
	Discard(off int, flags uint64) error
	Output(data []byte, flags uint64) error
	Query(flags uint64) uint64
}

// ring is the ring buffer a handle names.
func (c *Collection) ring(handle uint64) (ringBuffer, int, error) {
	i, ok := c.mapOf(handle)
	if !ok {
		return nil, 0, fmt.Errorf("%#x is not a map", handle)
	}
	rb, ok := c.maps[i].(ringBuffer)
	if !ok {
		return nil, 0, fmt.Errorf("map %q is not a ring buffer", c.maps[i].Spec().Name)
	}
	return rb, i, nil
}

func (c *Collection) ringbufOutput(env *interp.Env, m, data, size, flags, _ uint64) (uint64, error) {
	rb, _, err := c.ring(m)
	if err != nil {
		return 0, err
	}
	if size > interp.MaxRegionSize {
		return errno(syscall.E2BIG), nil
	}
	b, err := env.Load(data, int(size))
	if err != nil {
		return 0, err
	}
	if err := rb.Output(b, flags); err != nil {
		return errnoOf(err), nil
	}
	return 0, nil
}

func (c *Collection) ringbufReserve(_ *interp.Env, m, size, flags, _, _ uint64) (uint64, error) {
	rb, i, err := c.ring(m)
	if err != nil {
		return 0, err
	}
	off, err := rb.Reserve(size, flags)
	if err != nil {
		return 0, nil // NULL
	}
	return interp.RegionAddr(c.region[i]) + uint64(off), nil
}

// commit is submit or discard of the sample at addr.
func (c *Collection) commit(addr, flags uint64, discard bool) (uint64, error) {
	i, off, ok := c.mapOfAddr(addr)
	var rb ringBuffer
	if ok {
		rb, ok = c.maps[i].(ringBuffer)
	}
	if !ok {
		return 0, fmt.Errorf("%#x is not a ring buffer sample", addr)
	}
	if discard {
		err := rb.Discard(off, flags)
		return 0, err
	}
	return 0, rb.Submit(off, flags)
}

func (c *Collection) ringbufSubmit(_ *interp.Env, sample, flags, _, _, _ uint64) (uint64, error) {
	return c.commit(sample, flags, false)
}

func (c *Collection) ringbufDiscard(_ *interp.Env, sample, flags, _, _, _ uint64) (uint64, error) {
	return c.commit(sample, flags, true)
}

func (c *Collection) ringbufQuery(_ *interp.Env, m, flags, _, _, _ uint64) (uint64, error) {
	rb, _, err := c.ring(m)
	if err != nil {
		return 0, err
	}
	return rb.Query(flags), nil
}
