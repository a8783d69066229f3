package virtio_test

import (
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// sink is a device for transport and queue tests: it pops every chain,
// records it, fills its writable buffers with 0xab and returns it.
type sink struct {
	act    *virtio.Activation
	chains []*virtio.Chain
	resets int
}

func (s *sink) Type() uint32            { return 42 }
func (s *sink) Features() uint64        { return virtio.CommonFeatures | 1<<3 }
func (s *sink) QueueMaxSizes() []uint16 { return []uint16{8, 16} }
func (s *sink) ReadConfig(off uint64, p []byte) {
	for i := range p {
		p[i] = byte(off) + byte(i)
	}
}
func (s *sink) WriteConfig(off uint64, p []byte) error { return fmt.Errorf("read-only") }
func (s *sink) Activate(a virtio.Activation) error     { s.act = &a; return nil }
func (s *sink) Reset()                                 { s.act = nil; s.resets++ }

func (s *sink) Notify(i int) error {
	q := s.act.Queues[i]
	for {
		c, ok, err := q.Pop()
		if err != nil {
			return err
		}
		if !ok {
			return virtio.SignalUsed(s.act.IRQ, q)
		}
		s.chains = append(s.chains, c)
		var n uint32
		for _, b := range c.Writable() {
			p, _ := s.act.Mem.Slice(b.Addr, uint64(b.Len))
			for k := range p {
				p[k] = 0xab
			}
			n += b.Len
		}
		if err := q.PushUsed(c.Head, n); err != nil {
			return err
		}
	}
}

// rig is a sink behind a virtio-mmio transport, a driver, and a count of
// interrupts raised.
type rig struct {
	dev  *sink
	mmio *virtio.MMIO
	drv  *virtiotest.Driver
	irqs int
}

func newRig(t testing.TB) *rig {
	r := &rig{dev: &sink{}}
	mem := virtio.NewByteMemory(0, 1<<20)
	r.mmio = virtio.NewMMIO(r.dev, mem, func() { r.irqs++ })
	r.drv = virtiotest.New(r.mmio, mem)
	return r
}

// start initialises the device with features and sets up queue 0 of size 8.
func (r *rig) start(t testing.TB, features uint64) *virtiotest.Queue {
	t.Helper()
	if _, err := r.drv.Init(features); err != nil {
		t.Fatal(err)
	}
	q, err := r.drv.SetupQueue(0, 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.drv.Start(); err != nil {
		t.Fatal(err)
	}
	return q
}
