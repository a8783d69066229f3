package vmm

import (
	"errors"
	"testing"
)

// TestRAMRanges: RAM stops at the MMIO gap and continues at 4 GiB.
func TestRAMRanges(t *testing.T) {
	for _, c := range []struct {
		size uint64
		want [][2]uint64
	}{
		{2 << 20, [][2]uint64{{0, 2 << 20}}},
		{MMIOGapStart, [][2]uint64{{0, MMIOGapStart}}},
		{4 << 30, [][2]uint64{{0, MMIOGapStart}, {HighMemStart, 4<<30 - MMIOGapStart}}},
	} {
		got := RAMRanges(c.size)
		if len(got) != len(c.want) {
			t.Errorf("RAMRanges(%#x) = %#x, want %#x", c.size, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("RAMRanges(%#x) = %#x, want %#x", c.size, got, c.want)
			}
		}
	}
}

// TestLayoutOrder: the named low addresses do not overlap each other.
func TestLayoutOrder(t *testing.T) {
	spans := []struct {
		name       string
		start, end uint64
	}{
		{"BootGDT", BootGDT, BootGDT + 8*GDTEntries},
		{"BootIDT", BootIDT, BootIDT + 16},
		{"BootTSS", BootTSS, BootTSS + bootTSSLimit + 1},
		{"ZeroPage", ZeroPage, ZeroPage + 0x1000},
		{"BootStack", BootStack - 0x800, BootStack + 0x10},
		{"PML4", PML4, PML4 + 0x1000},
		{"PDPT", PDPT, PDPT + 0x1000},
		{"PD", PD, PD + 4*0x1000},
		{"Cmdline", CmdlineStart, CmdlineStart + 0x10000},
		{"legacy hole", EBDAStart, HimemStart},
	}
	for i := 1; i < len(spans); i++ {
		if spans[i-1].end > spans[i].start {
			t.Errorf("%s (%#x-%#x) overlaps %s at %#x", spans[i-1].name, spans[i-1].start, spans[i-1].end,
				spans[i].name, spans[i].start)
		}
	}
}

// TestMemoryBounds: every access outside RAM is an error wrapping
// ErrNotRAM, including those that wrap around 64 bits or cross a region.
func TestMemoryBounds(t *testing.T) {
	m, err := NewMemory(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.WriteAt([]byte("ok"), 1<<20-2); err != nil {
		t.Errorf("last two bytes: %v", err)
	}
	for _, c := range []struct{ gpa, n uint64 }{
		{1 << 20, 1}, {1<<20 - 1, 2}, {^uint64(0), 2}, {^uint64(0) - 7, 8}, {0, ^uint64(0)}, {MMIOGapStart, 4},
	} {
		if _, err := m.Slice(c.gpa, c.n); !errors.Is(err, ErrNotRAM) {
			t.Errorf("Slice(%#x, %#x) = %v, want ErrNotRAM", c.gpa, c.n, err)
		}
	}
	if _, err := m.ReadAt(make([]byte, 1), -1); !errors.Is(err, ErrNotRAM) {
		t.Errorf("negative offset: %v", err)
	}
	if err := m.PutUint64(0x1000, 42); err != nil {
		t.Fatal(err)
	}
	if v, err := m.Uint64(0x1000); v != 42 || err != nil {
		t.Errorf("Uint64 = %d, %v", v, err)
	}
	if _, err := NewMemory(12345); err == nil {
		t.Error("size not a multiple of 4 KiB accepted")
	}
}

// FuzzMemoryAccess: arbitrary guest addresses and lengths never panic and
// succeed exactly when they lie in RAM.
func FuzzMemoryAccess(f *testing.F) {
	m, err := NewMemory(1 << 20)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { m.Close() })
	f.Add(uint64(0), uint64(8))
	f.Add(uint64(1<<20-1), uint64(2))
	f.Add(^uint64(0), uint64(1))
	f.Fuzz(func(t *testing.T, gpa, n uint64) {
		s, err := m.Slice(gpa, n)
		inside := gpa < 1<<20 && n <= 1<<20-gpa
		if (err == nil) != inside {
			t.Fatalf("Slice(%#x, %#x): err %v, inside %v", gpa, n, err, inside)
		}
		if err == nil && uint64(len(s)) != n {
			t.Fatalf("Slice(%#x, %#x) has %d bytes", gpa, n, len(s))
		}
	})
}
