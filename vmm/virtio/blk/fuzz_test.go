package blk

import (
	"os"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// FuzzRequest sends one fuzzed request (type, sector, data length, which
// side the data is on, where the header splits): never a panic, and the
// image file never grows, whatever the guest asks.
func FuzzRequest(f *testing.F) {
	f.Add(uint32(TypeIn), uint64(0), uint16(512), true, uint8(16))
	f.Add(uint32(TypeOut), uint64(sectors-1), uint16(1024), false, uint8(3))
	f.Add(uint32(TypeOut), ^uint64(0), uint16(512), false, uint8(0))
	f.Add(uint32(TypeGetID), uint64(0), uint16(20), true, uint8(16))
	f.Add(uint32(TypeFlush), uint64(0), uint16(0), false, uint8(200))
	f.Add(uint32(99), uint64(1), uint16(7), true, uint8(8))
	f.Fuzz(func(t *testing.T, typ uint32, sector uint64, n uint16, writable bool, split uint8) {
		d := newDisk(t, Options{})
		h := d.drv.Put(header(typ, sector))
		cut := uint32(split % 17)
		bufs := []virtiotest.Buf{{Addr: h, Len: cut}, {Addr: h + uint64(cut), Len: 16 - cut}}
		if n > 0 {
			bufs = append(bufs, virtiotest.Buf{Addr: d.drv.Alloc(uint64(n), 1), Len: uint32(n), Write: writable})
		}
		bufs = append(bufs, virtiotest.Buf{Addr: d.drv.Alloc(1, 1), Len: 1, Write: true})
		if !writable && split&0x80 != 0 {
			bufs = bufs[:len(bufs)-1] // no status byte
		}
		d.q.Add(bufs)
		if err := d.drv.Notify(0); err != nil {
			t.Fatal(err) // the chain itself is well formed
		}
		if st, err := os.Stat(d.path); err != nil || st.Size() != sectors*SectorSize {
			t.Fatalf("image size %v, %v", st.Size(), err)
		}
	})
}

// FuzzRegisters drives virtio-blk's register page with fuzzed accesses.
func FuzzRegisters(f *testing.F) {
	for _, s := range virtiotest.OpSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		d := newDisk(t, Options{})
		d.q.Add([]virtiotest.Buf{{Addr: d.drv.Put(header(TypeIn, 0)), Len: 16}, {Addr: 0x8000, Len: 513, Write: true}})
		virtiotest.ApplyOps(d.drv.Dev, ops)
	})
}
