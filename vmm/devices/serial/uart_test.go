package serial

import (
	"bytes"
	"errors"
	"testing"
)

func rd(t *testing.T, u *UART, off uint64) byte {
	t.Helper()
	b := []byte{0}
	if err := u.Read(off, b); err != nil {
		t.Fatal(err)
	}
	return b[0]
}

func wr(t *testing.T, u *UART, off uint64, v byte) {
	t.Helper()
	if err := u.Write(off, []byte{v}); err != nil {
		t.Fatal(err)
	}
}

// TestTransmit: THR writes reach the writer; LSR always shows THRE|TEMT.
func TestTransmit(t *testing.T) {
	var out bytes.Buffer
	u := New(&out, nil)
	for _, b := range []byte("hello") {
		if lsr := rd(t, u, LSR); lsr&lsrTHRE == 0 {
			t.Fatalf("LSR %#x without THRE", lsr)
		}
		wr(t, u, THR, b)
	}
	if out.String() != "hello" {
		t.Errorf("output %q", out.String())
	}
	if lsr := rd(t, u, LSR); lsr != 0x60 {
		t.Errorf("idle LSR %#x, want 0x60", lsr)
	}
}

// TestDivisorLatch: with DLAB set offsets 0 and 1 are DLL/DLM and do not
// transmit or change IER (data sheet table II).
func TestDivisorLatch(t *testing.T) {
	var out bytes.Buffer
	u := New(&out, nil)
	wr(t, u, IER, 0x05)
	wr(t, u, LCR, 0x83) // DLAB, 8N1
	if rd(t, u, DLL) != 12 {
		t.Errorf("reset divisor low %d, want 12 (9600 baud)", rd(t, u, DLL))
	}
	wr(t, u, DLL, 0x01)
	wr(t, u, DLM, 0x02)
	if rd(t, u, DLL) != 1 || rd(t, u, DLM) != 2 {
		t.Errorf("divisor read back %d %d", rd(t, u, DLL), rd(t, u, DLM))
	}
	wr(t, u, LCR, 0x03)
	if rd(t, u, IER) != 0x05 || out.Len() != 0 || rd(t, u, LCR) != 0x03 {
		t.Errorf("after DLAB: IER %#x, output %q, LCR %#x", rd(t, u, IER), out.String(), rd(t, u, LCR))
	}
}

// TestInterrupts walks the IIR priorities and the IRQ line.
func TestInterrupts(t *testing.T) {
	var levels []bool
	u := New(&bytes.Buffer{}, func(l bool) { levels = append(levels, l) })
	if iir := rd(t, u, IIR); iir != iirNone {
		t.Errorf("reset IIR %#x", iir)
	}
	wr(t, u, IER, ierTHRE) // enabling THRE with THR empty raises it
	if iir := rd(t, u, IIR); iir != iirTHRE {
		t.Errorf("IIR %#x after enabling THRE, want 0x02", iir)
	}
	if iir := rd(t, u, IIR); iir != iirNone {
		t.Errorf("IIR %#x after reading it, want THRE acknowledged", iir)
	}
	wr(t, u, THR, 'x')
	wr(t, u, IER, ierTHRE|ierRxData)
	u.Queue([]byte("ab"))
	if iir := rd(t, u, IIR); iir != iirRxData {
		t.Errorf("IIR %#x with data and THRE pending, want 0x04 (higher priority)", iir)
	}
	if rd(t, u, RBR) != 'a' || rd(t, u, RBR) != 'b' {
		t.Error("receive FIFO order")
	}
	if iir := rd(t, u, IIR); iir != iirTHRE {
		t.Errorf("IIR %#x after draining, want the THRE still pending", iir)
	}
	want := []bool{true, false, true, false}
	if len(levels) != len(want) {
		t.Fatalf("IRQ levels %v, want %v", levels, want)
	}
	for i := range want {
		if levels[i] != want[i] {
			t.Fatalf("IRQ levels %v, want %v", levels, want)
		}
	}
}

// TestFIFOAndLSR: DR follows the FIFO; FCR reports FIFOs in IIR and clears.
func TestFIFOAndLSR(t *testing.T) {
	u := New(&bytes.Buffer{}, nil)
	if n := u.Queue(make([]byte, 100)); n != FIFOSize {
		t.Errorf("queued %d of 100, want %d", n, FIFOSize)
	}
	if rd(t, u, LSR)&lsrDR == 0 {
		t.Error("LSR without DR while the FIFO holds bytes")
	}
	wr(t, u, FCR, 0x07) // enable, clear both
	if rd(t, u, LSR)&lsrDR != 0 {
		t.Error("FCR clear left bytes")
	}
	if iir := rd(t, u, IIR); iir != iirFIFOs|iirNone {
		t.Errorf("IIR %#x with FIFOs enabled, want 0xc1", iir)
	}
	if rd(t, u, RBR) != 0 {
		t.Error("empty RBR not zero")
	}
}

// TestLoopback: the check Linux's 8250 driver makes (autoconfig): in
// loopback MSR mirrors MCR, and THR bytes come back through RBR.
func TestLoopback(t *testing.T) {
	var out bytes.Buffer
	u := New(&out, nil)
	wr(t, u, MCR, mcrLoop|0x0a) // LOOP, RTS, OUT2
	if msr := rd(t, u, MSR); msr&0xf0 != 0x90 {
		t.Errorf("loopback MSR %#x, want CTS|DCD (0x90)", msr)
	}
	wr(t, u, THR, 'z')
	if out.Len() != 0 || rd(t, u, RBR) != 'z' {
		t.Errorf("loopback: output %q", out.String())
	}
	wr(t, u, MCR, 0)
	if msr := rd(t, u, MSR); msr != msrIdle {
		t.Errorf("MSR %#x, want 0xb0", msr)
	}
	wr(t, u, SCR, 0x5a)
	if rd(t, u, SCR) != 0x5a {
		t.Error("scratch register")
	}
}

// TestBadAccess: offsets outside the 8 registers are errors; wide accesses
// split into bytes.
func TestBadAccess(t *testing.T) {
	u := New(&bytes.Buffer{}, nil)
	for _, c := range []struct {
		off uint64
		n   int
	}{{8, 1}, {7, 2}, {0, 0}, {1 << 63, 1}, {0, 9}} {
		if err := u.Read(c.off, make([]byte, c.n)); err == nil {
			t.Errorf("read of %d at %d: no error", c.n, c.off)
		}
		if err := u.Write(c.off, make([]byte, c.n)); err == nil {
			t.Errorf("write of %d at %d: no error", c.n, c.off)
		}
	}
	b := make([]byte, 2)
	if err := u.Read(LSR, b); err != nil || b[0] != 0x60 || b[1] != msrIdle {
		t.Errorf("2-byte read at LSR = % x, %v", b, err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

// TestWriterFailure: a failing writer does not stop the guest.
func TestWriterFailure(t *testing.T) {
	u := New(failWriter{}, nil)
	wr(t, u, THR, 'a')
	wr(t, u, THR, 'b')
	if u.OutputErr() == nil || u.Dropped() != 1 {
		t.Errorf("OutputErr %v, dropped %d", u.OutputErr(), u.Dropped())
	}
}

// FuzzRegisters drives the register interface with arbitrary access
// sequences: no panic, and the invariants of the model hold.
func FuzzRegisters(f *testing.F) {
	f.Add([]byte{3, 0x80, 0, 1, 3, 3, 1, 2, 0, 'h'})
	f.Add([]byte{4, 0x10, 0, 'x', 0x80, 0, 0x80 | 2, 0})
	f.Add([]byte{1, 0x0f, 2, 0x07, 0x80 | 5, 0, 0x80 | 6, 0, 9, 9})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var out bytes.Buffer
		u := New(&out, func(bool) {})
		for i := 0; i+1 < len(ops); i += 2 {
			off, v := uint64(ops[i]&0x7f), ops[i+1]
			if ops[i]&0x80 != 0 {
				err := u.Read(off, []byte{0})
				if (err == nil) != (off < NumRegs) {
					t.Fatalf("read at %d: %v", off, err)
				}
			} else if v == 0xff {
				u.Queue([]byte{1, 2, 3})
			} else if err := u.Write(off, []byte{v}); (err == nil) != (off < NumRegs) {
				t.Fatalf("write at %d: %v", off, err)
			}
			if len(u.rx) > FIFOSize {
				t.Fatalf("receive FIFO holds %d bytes", len(u.rx))
			}
		}
	})
}

// TestSaveRestore: a restored UART reads back what the saved one did.
func TestSaveRestore(t *testing.T) {
	u := New(&bytes.Buffer{}, nil)
	wr(t, u, LCR, 0x80)
	wr(t, u, DLL, 3)
	wr(t, u, LCR, 0x03)
	wr(t, u, IER, 0x03)
	wr(t, u, FCR, 0x01)
	wr(t, u, SCR, 0x42)
	u.Queue([]byte("in"))
	v := New(&bytes.Buffer{}, nil)
	v.Restore(u.Save())
	for off := uint64(1); off < NumRegs; off++ {
		if off == IIR {
			continue // reading it acknowledges THRE; compared below
		}
		if a, b := rd(t, u, off), rd(t, v, off); a != b {
			t.Errorf("register %d: saved %#x, restored %#x", off, a, b)
		}
	}
	if a, b := rd(t, u, IIR), rd(t, v, IIR); a != b {
		t.Errorf("IIR: saved %#x, restored %#x", a, b)
	}
	if rd(t, v, RBR) != 'i' || rd(t, v, RBR) != 'n' {
		t.Error("restored receive FIFO")
	}
	v.Restore(State{RX: make([]byte, 1000), IER: 0xff})
	if len(v.rx) != FIFOSize || v.ier != ierMask {
		t.Errorf("corrupt state not clipped: %d bytes, IER %#x", len(v.rx), v.ier)
	}
}

// TestFeed: 1000 input bytes pass through the 64-byte FIFO in order while
// a reader drains RBR, none dropped; Close ends a Feed blocked on a full
// FIFO.
func TestFeed(t *testing.T) {
	u := New(&bytes.Buffer{}, nil)
	in := make([]byte, 1000)
	for i := range in {
		in[i] = byte(i * 7)
	}
	done := make(chan error, 1)
	go func() { done <- u.Feed(bytes.NewReader(in)) }()
	var got []byte
	for len(got) < len(in) {
		if rd(t, u, LSR)&lsrDR != 0 {
			got = append(got, rd(t, u, RBR))
		}
	}
	if err := <-done; err != nil || !bytes.Equal(got, in) {
		t.Fatalf("Feed = %v; got %d bytes, equal %v", err, len(got), bytes.Equal(got, in))
	}
	go func() { done <- u.Feed(bytes.NewReader(make([]byte, 200))) }()
	for rd(t, u, LSR)&lsrDR == 0 {
	}
	u.Close()
	if err := <-done; err != nil {
		t.Errorf("Feed after Close: %v", err)
	}
}
