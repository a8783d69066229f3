package rng

import (
	"bytes"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

type countingReader struct{ n int }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		c.n++
		p[i] = byte(c.n)
	}
	return len(p), nil
}

func setup(t testing.TB, dev *Device) (*virtiotest.Driver, *virtiotest.Queue, *int) {
	t.Helper()
	mem := virtio.NewByteMemory(0, 1<<20)
	irqs := new(int)
	drv := virtiotest.New(virtio.NewMMIO(dev, mem, func() { *irqs++ }), mem)
	if _, err := drv.Init(virtio.CommonFeatures); err != nil {
		t.Fatal(err)
	}
	q, err := drv.SetupQueue(0, 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := drv.Start(); err != nil {
		t.Fatal(err)
	}
	return drv, q, irqs
}

// TestEntropy: the device fills a two-buffer chain from crypto/rand and
// reports the byte count on the used ring with an interrupt.
func TestEntropy(t *testing.T) {
	drv, q, irqs := setup(t, New(nil))
	if id, _ := drv.Read32(virtio.RegDeviceID); id != 4 {
		t.Fatalf("DeviceID %d, want 4", id)
	}
	a, b := drv.Alloc(64, 16), drv.Alloc(100, 16)
	head := q.Add([]virtiotest.Buf{{Addr: a, Len: 64, Write: true}, {Addr: b, Len: 100, Write: true}})
	if err := drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	used, err := q.Collect()
	if err != nil || len(used) != 1 || used[0] != (virtiotest.UsedElem{ID: uint32(head), Len: 164}) || *irqs != 1 {
		t.Fatalf("used %+v, %v, %d interrupts", used, err, *irqs)
	}
	if bytes.Equal(drv.Bytes(a, 64), make([]byte, 64)) || bytes.Equal(drv.Bytes(b, 100), make([]byte, 100)) {
		t.Fatal("buffers still zero")
	}
}

// TestRequestCap: a guest offering a huge buffer gets MaxRequest bytes, in
// order, and the rest of its buffer is untouched.
func TestRequestCap(t *testing.T) {
	src := &countingReader{}
	drv, q, _ := setup(t, New(src))
	a := drv.Alloc(MaxRequest+16, 16)
	q.AddIndirect([]virtiotest.Buf{{Addr: a, Len: MaxRequest + 16, Write: true}})
	if err := drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	used, _ := q.Collect()
	if len(used) != 1 || used[0].Len != MaxRequest || src.n != MaxRequest {
		t.Fatalf("used %+v, %d bytes read from the source", used, src.n)
	}
	got := drv.Bytes(a, MaxRequest+16)
	if got[0] != 1 || got[MaxRequest-1] != byte(MaxRequest%256) || !bytes.Equal(got[MaxRequest:], make([]byte, 16)) {
		t.Fatal("wrong bytes or bytes past the cap written")
	}
}

// TestReadOnlyChain: a chain with only device-readable buffers gets 0 bytes.
func TestReadOnlyChain(t *testing.T) {
	drv, q, _ := setup(t, New(nil))
	q.Add([]virtiotest.Buf{{Addr: drv.Alloc(8, 8), Len: 8}})
	if err := drv.Notify(0); err != nil {
		t.Fatal(err)
	}
	if used, _ := q.Collect(); len(used) != 1 || used[0].Len != 0 {
		t.Fatalf("used %+v", used)
	}
	if err := drv.Write32(virtio.ConfigOffset, 1); err == nil {
		t.Fatal("config write accepted")
	}
}

// FuzzRegisters drives virtio-rng's register page with fuzzed accesses.
func FuzzRegisters(f *testing.F) {
	for _, s := range virtiotest.OpSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		drv, q, _ := setup(t, New(&countingReader{}))
		q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 8, Write: true}})
		virtiotest.ApplyOps(drv.Dev, ops)
	})
}
