package vmm

import (
	"errors"
	"strings"
	"testing"
)

// regs is a device of a few byte registers that records accesses.
type regs struct{ b []byte }

func (r *regs) Read(off uint64, data []byte) error {
	copy(data, r.b[off:])
	return nil
}

func (r *regs) Write(off uint64, data []byte) error {
	copy(r.b[off:], data)
	return nil
}

func TestBusRouting(t *testing.T) {
	b := NewBus("pio")
	a, c := &regs{b: make([]byte, 8)}, &regs{b: make([]byte, 4)}
	if err := b.Insert(0x3f8, 8, "com1", a); err != nil {
		t.Fatal(err)
	}
	if err := b.Insert(0x70, 4, "rtc", c); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ base, size uint64 }{{0x3f0, 9}, {0x3ff, 1}, {0x72, 8}, {0x60, 0x11}, {5, 0}, {^uint64(0), 2}} {
		if err := b.Insert(bad.base, bad.size, "x", &regs{}); err == nil {
			t.Errorf("Insert(%#x, %#x) overlapping or empty accepted", bad.base, bad.size)
		}
	}
	if err := b.Write(0x3fb, []byte{0x83}); err != nil || a.b[3] != 0x83 {
		t.Errorf("write to com1+3: %v, regs % x", err, a.b)
	}
	if err := b.Write(0x71, []byte{7, 8}); err != nil || c.b[1] != 7 || c.b[2] != 8 {
		t.Errorf("write to rtc+1: %v, regs % x", err, c.b)
	}
	if err := b.Read(0x80, make([]byte, 1)); !errors.Is(err, ErrUnmapped) || !strings.Contains(err.Error(), "0x80") {
		t.Errorf("read of port 0x80: %v", err)
	}
	if err := b.Read(0x3ff, make([]byte, 2)); err == nil || !strings.Contains(err.Error(), "past the end of com1") {
		t.Errorf("read across com1's end: %v", err)
	}
}

// FuzzBus: any access to a bus with a few windows routes or errors; a
// device never sees an offset or length outside its window.
func FuzzBus(f *testing.F) {
	f.Add(uint64(0x3f8), uint8(1), true)
	f.Add(uint64(0x3ff), uint8(4), false)
	f.Add(^uint64(0), uint8(8), true)
	f.Fuzz(func(t *testing.T, addr uint64, n uint8, write bool) {
		b := NewBus("mmio")
		for _, w := range []struct{ base, size uint64 }{{0x3f8, 8}, {0x1000, 0x1000}, {^uint64(0) - 0xff, 0xff}} {
			if err := b.Insert(w.base, w.size, "dev", &regs{b: make([]byte, w.size)}); err != nil {
				t.Fatal(err)
			}
		}
		data := make([]byte, n%9)
		if write {
			_ = b.Write(addr, data)
		} else {
			_ = b.Read(addr, data)
		}
	})
}
