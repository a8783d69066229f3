package virtio

import (
	"errors"
	"testing"
)

// TestNeedEvent checks vring_need_event (spec 2.7.10) across the 16-bit
// wrap: an interrupt is due exactly when event is in [old, new).
func TestNeedEvent(t *testing.T) {
	tests := []struct {
		event, new, old uint16
		want            bool
	}{
		{0, 1, 0, true},
		{1, 1, 0, false},
		{3, 4, 1, true},
		{3, 3, 1, false},
		{0xffff, 0x0001, 0xfffe, true}, // wraps
		{0x0000, 0x0001, 0xffff, true},
		{0x0001, 0x0001, 0xffff, false},
		{5, 6, 6, false}, // nothing new
	}
	for _, tt := range tests {
		if got := needEvent(tt.event, tt.new, tt.old); got != tt.want {
			t.Errorf("needEvent(%#x, %#x, %#x) = %v", tt.event, tt.new, tt.old, got)
		}
	}
}

// TestNextStatus is the spec 3.1.1 state machine as a table.
func TestNextStatus(t *testing.T) {
	const a, d, fo, ok, failed = StatusAcknowledge, StatusDriver, StatusFeaturesOK, StatusDriverOK, StatusFailed
	tests := []struct {
		cur, want  uint32
		featsOK    bool
		next       uint32
		activate   bool
		wantsError bool
	}{
		{0, a, true, a, false, false},
		{a, a | d, true, a | d, false, false},
		{a | d, a | d | fo, true, a | d | fo, false, false},
		{a | d, a | d | fo, false, a | d, false, false}, // refused: FEATURES_OK not kept
		{a | d | fo, a | d | fo | ok, true, a | d | fo | ok, true, false},
		{a | d, a | d | fo | ok, true, a | d, false, true},       // skipped FEATURES_OK
		{0, a | d, true, 0, false, true},                         // skipped ACKNOWLEDGE
		{a | d | fo | ok, a, true, a | d | fo | ok, false, true}, // clearing bits
		{a | d, a | d | failed, true, a | d | failed, false, false},
		{a, a, true, a, false, false}, // rewriting the same value
	}
	for _, tt := range tests {
		next, act, err := nextStatus(tt.cur, tt.want, tt.featsOK)
		if next != tt.next || act != tt.activate || (err != nil) != tt.wantsError {
			t.Errorf("nextStatus(%#x, %#x, %v) = %#x, %v, %v", tt.cur, tt.want, tt.featsOK, next, act, err)
		}
	}
}

func TestByteMemoryBounds(t *testing.T) {
	m := NewByteMemory(0x1000, 0x100)
	ok := []struct{ addr, n uint64 }{{0x1000, 0x100}, {0x10ff, 1}, {0x1100, 0}, {0x1080, 0x80}}
	for _, c := range ok {
		if b, err := m.Slice(c.addr, c.n); err != nil || uint64(len(b)) != c.n || uint64(cap(b)) != c.n {
			t.Errorf("Slice(%#x, %#x): %v", c.addr, c.n, err)
		}
	}
	bad := []struct{ addr, n uint64 }{{0xfff, 1}, {0x1000, 0x101}, {0x1101, 0}, {0x1001, ^uint64(0)}, {^uint64(0), 2}}
	for _, c := range bad {
		var ae *AddressError
		if _, err := m.Slice(c.addr, c.n); !errors.As(err, &ae) {
			t.Errorf("Slice(%#x, %#x) = %v, want an AddressError", c.addr, c.n, err)
		}
	}
}

// TestSegments reads a stream across buffer boundaries.
func TestSegments(t *testing.T) {
	m := NewByteMemory(0, 64)
	for i := range m.Bytes {
		m.Bytes[i] = byte(i)
	}
	bufs := []Buffer{{Addr: 10, Len: 3}, {Addr: 0, Len: 0}, {Addr: 40, Len: 5}}
	p := make([]byte, 4)
	if err := CopyOut(m, bufs, 2, p); err != nil || string(p) != string([]byte{12, 40, 41, 42}) {
		t.Fatalf("CopyOut: %v, %v", p, err)
	}
	if err := CopyIn(m, bufs, 7, []byte{0xaa}); err != nil || m.Bytes[44] != 0xaa {
		t.Fatalf("CopyIn: %v", err)
	}
	if err := CopyOut(m, bufs, 6, make([]byte, 3)); err == nil {
		t.Fatal("read past the stream accepted")
	}
	if _, err := Segments(m, bufs, ^uint64(0), 2); err == nil {
		t.Fatal("overflowing offset accepted")
	}
}

// TestRegions: ranges inside a region are served from its slice; ranges in
// a hole, across a hole or past the end are refused; overlapping regions
// are refused at construction.
func TestRegions(t *testing.T) {
	low, high := make([]byte, 0x1000), make([]byte, 0x1000)
	m, err := NewRegions(Region{GPA: 0x10000, Bytes: high}, Region{GPA: 0, Bytes: low})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Slice(0x10ff0, 0x10)
	if err != nil {
		t.Fatal(err)
	}
	b[0] = 7
	if high[0xff0] != 7 {
		t.Fatal("slice does not alias the region")
	}
	for _, c := range []struct{ addr, n uint64 }{{0x1000, 1}, {0xff0, 0x20}, {0x8000, 4}, {0x11000, 1}, {0xfff, ^uint64(0)}} {
		if _, err := m.Slice(c.addr, c.n); err == nil {
			t.Errorf("Slice(%#x, %#x) accepted", c.addr, c.n)
		}
	}
	if _, err := NewRegions(Region{GPA: 0, Bytes: low}, Region{GPA: 0x800, Bytes: high}); err == nil {
		t.Error("overlapping regions accepted")
	}
	if _, err := NewRegions(Region{GPA: ^uint64(0) - 0x10, Bytes: low}); err == nil {
		t.Error("a region wrapping the address space accepted")
	}
}
