package maps

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"syscall"
	"testing"
)

func newRing(t *testing.T, size uint32) RingBuffer {
	t.Helper()
	return mustNew(t, Spec{Type: RingBuf, MaxEntries: size}, 1).(RingBuffer)
}

// TestRingRecordLayout checks the bytes against Documentation/bpf/ringbuf.rst
// and uapi/linux/bpf.h: an 8-byte header {u32 len with busy bit 31 and
// discard bit 30; u32 pg_off}, the sample, padding to 8 bytes.
func TestRingRecordLayout(t *testing.T) {
	r := newRing(t, 4096)
	mem := r.Memory()
	off, err := r.Reserve(5, 0)
	if err != nil || off != RingHeaderSize {
		t.Fatalf("Reserve(5) = %d, %v; want the sample right after an 8-byte header", off, err)
	}
	copy(mem[off:], "hello")
	hdr := func(at int) (uint32, uint32) {
		return binary.LittleEndian.Uint32(mem[at:]), binary.LittleEndian.Uint32(mem[at+4:])
	}
	if l, pg := hdr(0); l != 5|1<<31 || pg != 3 {
		t.Errorf("busy header = len %#x pg_off %d; want 0x80000005, 3 (data is page 3 of struct bpf_ringbuf)", l, pg)
	}
	if got := r.Query(RingProdPos); got != 16 {
		t.Errorf("producer position %d, want 16 (8 + 5 rounded up to 8)", got)
	}
	if err := r.Submit(off, 0); err != nil {
		t.Fatal(err)
	}
	if l, _ := hdr(0); l != 5 {
		t.Errorf("committed header len %#x, want 5", l)
	}
	off2, _ := r.Reserve(1, 0)
	_ = r.Discard(off2, 0)
	if l, _ := hdr(16); l != 1|1<<30 {
		t.Errorf("discarded header len %#x, want 0x40000001", l)
	}
	rd := r.NewReader()
	if got, err := rd.Read(); err != nil || string(got) != "hello" {
		t.Errorf("Read = %q, %v", got, err)
	}
	if _, err := rd.Read(); errno(err) != syscall.EAGAIN {
		t.Errorf("Read past a discarded record: %v, want EAGAIN", err)
	}
	if c, p := r.Query(RingConsPos), r.Query(RingProdPos); c != 32 || p != 32 {
		t.Errorf("positions consumer %d producer %d, want 32 32", c, p)
	}
}

func TestRingPageOffset(t *testing.T) {
	page := os.Getpagesize()
	r := newRing(t, uint32(4*page))
	for range 2 * page / 64 { // fill past the first page
		off, err := r.Reserve(56, 0)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Submit(off, 0)
	}
	off, _ := r.Reserve(8, 0)
	hdr := off - RingHeaderSize
	want := uint32(3 + hdr/page)
	if got := binary.NativeEndian.Uint32(r.Memory()[hdr+4:]); got != want {
		t.Errorf("pg_off of a header at %d = %d, want %d", hdr, got, want)
	}
}

// TestRingWrapsContiguously writes records of every size through many
// wraps: every sample the reader gets is the one written, whole, and the
// first half of Memory() is the ring as the kernel's mapping shows it.
func TestRingWrapsContiguously(t *testing.T) {
	r := newRing(t, 4096)
	rd := r.NewReader()
	for i := range 2000 {
		size := 1 + i%700
		data := bytes.Repeat([]byte{byte(i)}, size)
		if err := r.Output(data, 0); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		got, err := rd.Read()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("record %d (%d bytes) read back as %d bytes, %v", i, size, len(got), err)
		}
		hdr := (int(r.Query(RingProdPos)) - (size+8+7)&^7) & 4095
		for j := range size { // the mirror: the sample's bytes at their ring position
			if r.Memory()[(hdr+8+j)&4095] != byte(i) {
				t.Fatalf("record %d: ring byte %d not mirrored", i, j)
			}
		}
	}
}

func TestRingFull(t *testing.T) {
	r := newRing(t, 4096)
	rd := r.NewReader()
	steps := []struct {
		name string
		do   func() error
		want syscall.Errno
	}{
		{"reserve flags", func() error { _, err := r.Reserve(8, 1); return err }, syscall.EINVAL},
		{"record larger than the ring", func() error { _, err := r.Reserve(4096, 0); return err }, syscall.E2BIG},
		{"output larger than the ring", func() error { return r.Output(make([]byte, 4096), 0) }, syscall.EAGAIN},
		{"output flags", func() error { return r.Output(nil, 4) }, syscall.EINVAL},
		{"fill: 4088 of 4095 usable bytes", func() error { return r.Output(make([]byte, 4080), 0) }, 0},
		{"no room for 8 more", func() error { return r.Output(nil, 0) }, syscall.EAGAIN},
		{"read frees", func() error { _, err := rd.Read(); return err }, 0},
		{"room again", func() error { return r.Output(nil, 0) }, 0},
		{"submit twice", func() error { off, _ := r.Reserve(1, 0); _ = r.Submit(off, 0); return r.Submit(off, 0) }, syscall.EINVAL},
		{"submit a bad offset", func() error { return r.Submit(3, 0) }, syscall.EINVAL},
	}
	for _, s := range steps {
		if err := s.do(); errno(err) != s.want {
			t.Errorf("%s: %v, want %v", s.name, err, s.want)
		}
	}
}

// TestRingOutOfOrderCommit: the reader stops at the oldest busy record
// even when later ones are committed, and the producer cannot lap it.
func TestRingOutOfOrderCommit(t *testing.T) {
	r := newRing(t, 4096)
	rd := r.NewReader()
	a, _ := r.Reserve(100, 0)
	b, _ := r.Reserve(100, 0)
	copy(r.Memory()[b:], "second")
	_ = r.Submit(b, 0)
	if _, err := rd.Read(); errno(err) != syscall.EAGAIN {
		t.Fatalf("read past a busy record: %v", err)
	}
	for range 100 { // the consumer is stuck, so the ring fills up
		if err := r.Output(make([]byte, 100), 0); err != nil {
			break
		}
	}
	if got := r.Query(RingAvailData); got > 4095 {
		t.Fatalf("%d bytes in flight in a 4096-byte ring", got)
	}
	copy(r.Memory()[a:], "first")
	_ = r.Submit(a, 0)
	for i, want := range []string{"first", "second"} {
		got, err := rd.Read()
		if err != nil || !bytes.HasPrefix(got, []byte(want)) {
			t.Fatalf("read %d = %q, %v; want %q", i, got[:min(len(got), 8)], err, want)
		}
	}
	n := 0
	for ; ; n++ {
		if _, err := rd.Read(); err != nil {
			break
		}
	}
	if r.Query(RingAvailData) != 0 {
		t.Errorf("after reading %d more records, %d bytes remain", n, r.Query(RingAvailData))
	}
}

func ExampleRingBuffer() {
	m, _ := New(Spec{Type: RingBuf, MaxEntries: 4096}, Options{})
	rb := m.(RingBuffer)
	off, _ := rb.Reserve(3, 0) // bpf_ringbuf_reserve
	copy(rb.Memory()[off:], "abc")
	_ = rb.Submit(off, 0) // bpf_ringbuf_submit
	rd := rb.NewReader()
	rec, _ := rd.Read()
	_, err := rd.Read()
	fmt.Printf("%s %v\n", rec, err)
	// Output: abc resource temporarily unavailable
}
