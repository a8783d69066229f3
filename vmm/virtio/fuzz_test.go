package virtio_test

import (
	"encoding/binary"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// FuzzQueue lets the fuzzer write the descriptor table, the available
// ring and an indirect table of an active queue, then notifies: the device
// either returns chains whose buffers are all inside guest memory or an
// error — never a panic or a hang.
func FuzzQueue(f *testing.F) {
	desc := func(addr uint64, n uint32, flags, next uint16) []byte {
		b := make([]byte, 16)
		binary.LittleEndian.PutUint64(b, addr)
		binary.LittleEndian.PutUint32(b[8:], n)
		binary.LittleEndian.PutUint16(b[12:], flags)
		binary.LittleEndian.PutUint16(b[14:], next)
		return b
	}
	f.Add(desc(0x8000, 4, 0, 0), []byte{0, 0}, uint16(1), uint64(virtio.CommonFeatures))
	f.Add(append(desc(0x8000, 4, 1, 1), desc(0x8004, 4, 2, 0)...), []byte{0, 0}, uint16(1), uint64(virtio.CommonFeatures))
	f.Add(desc(0x8000, 4, 1, 0), []byte{0, 0}, uint16(1), uint64(virtio.CommonFeatures))
	f.Add(desc(0x9000, 32, 4, 0), []byte{0, 0}, uint16(1), uint64(virtio.CommonFeatures))
	f.Add(desc(0xffffffffffff0000, 0xffffffff, 2, 7), []byte{7, 0, 9, 0}, uint16(2), uint64(0))
	f.Add(desc(0x8000, 1, 0, 0), []byte{0, 0}, uint16(300), uint64(virtio.CommonFeatures))
	f.Fuzz(func(t *testing.T, table, ring []byte, availIdx uint16, feats uint64) {
		r := newRig(t)
		q := r.start(t, feats|virtio.Bit(virtio.FeatureVersion1))
		copy(r.drv.Bytes(q.Desc, 16*uint64(q.Size)), table)
		copy(r.drv.Bytes(q.Avail+4, 2*uint64(q.Size)), ring)
		copy(r.drv.Bytes(0x9000, 256), table) // where indirect seeds point
		binary.LittleEndian.PutUint16(r.drv.Bytes(q.Avail+2, 2), availIdx)
		_ = r.drv.Notify(0)
		for _, c := range r.dev.chains {
			for _, b := range c.Buffers {
				if _, err := r.drv.Mem.Slice(b.Addr, uint64(b.Len)); err != nil {
					t.Fatalf("chain buffer outside memory: %v", err)
				}
			}
		}
	})
}

// FuzzMMIO drives the register page with a fuzzed sequence of accesses
// after a normal bring-up: never a panic, whatever the order.
func FuzzMMIO(f *testing.F) {
	for _, seed := range virtiotest.OpSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		r := newRig(t)
		q := r.start(t, all)
		q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 8, Write: true}})
		virtiotest.ApplyOps(r.mmio, ops)
	})
}
