package serial

import (
	"fmt"
	"io"
	"sync"
)

// Register offsets from the base port (PC16550D table II).
const (
	RBR = 0 // receiver buffer (read, DLAB=0)
	THR = 0 // transmitter holding (write, DLAB=0)
	DLL = 0 // divisor latch low (DLAB=1)
	IER = 1 // interrupt enable (DLAB=0)
	DLM = 1 // divisor latch high (DLAB=1)
	IIR = 2 // interrupt identification (read)
	FCR = 2 // FIFO control (write)
	LCR = 3 // line control
	MCR = 4 // modem control
	LSR = 5 // line status
	MSR = 6 // modem status
	SCR = 7 // scratch

	// NumRegs is the size of the UART's port range.
	NumRegs = 8
)

// Register bits used by the model.
const (
	ierRxData      = 0x01 // ERBFI
	ierTHRE        = 0x02 // ETBEI
	ierMask        = 0x0f
	iirNone        = 0x01 // no interrupt pending
	iirTHRE        = 0x02
	iirRxData      = 0x04
	iirFIFOs       = 0xc0 // FIFOs enabled
	fcrEnable      = 0x01
	lcrDLAB        = 0x80
	mcrLoop        = 0x10
	mcrMask        = 0x1f
	lsrDR          = 0x01
	lsrTHRE        = 0x20
	lsrTEMT        = 0x40
	msrIdle        = 0xb0 // DCD, DSR, CTS: a terminal is attached
	FIFOSize       = 64   // receive FIFO bytes
	defaultDivisor = 12   // 9600 baud from the PC's 1.8432 MHz clock
)

// UART is one 16550A. Its methods may be called from several goroutines
// (vCPU threads, the input reader); mu guards every field below it.
type UART struct {
	out io.Writer
	irq func(level bool)

	mu       sync.Mutex
	dll, dlm byte
	ier, lcr byte
	mcr, scr byte
	fifo     bool
	rx       []byte
	threPend bool // THR-empty interrupt raised and not yet acknowledged
	irqLevel bool
	outErr   error
	dropped  int        // bytes not written after the writer failed
	room     *sync.Cond // on mu: the receive FIFO has room (Feed waits)
	closed   bool       // Close was called
}

// New makes a UART writing transmitted bytes to out. irq, if not nil, is
// called with the new level of the interrupt output each time it changes,
// with the UART's lock not held.
func New(out io.Writer, irq func(level bool)) *UART {
	u := &UART{out: out, irq: irq, dll: defaultDivisor}
	u.room = sync.NewCond(&u.mu)
	return u
}

// Read reads len(data) consecutive registers from offset off.
func (u *UART) Read(off uint64, data []byte) error {
	if err := checkRange(off, len(data)); err != nil {
		return err
	}
	u.mu.Lock()
	for i := range data {
		data[i] = u.readReg(int(off) + i)
	}
	level := u.updateIRQ()
	u.mu.Unlock()
	u.signal(level)
	return nil
}

// Write writes data to consecutive registers from offset off.
func (u *UART) Write(off uint64, data []byte) error {
	if err := checkRange(off, len(data)); err != nil {
		return err
	}
	u.mu.Lock()
	for i, b := range data {
		u.writeReg(int(off)+i, b)
	}
	level := u.updateIRQ()
	u.mu.Unlock()
	u.signal(level)
	return nil
}

func checkRange(off uint64, n int) error {
	if n == 0 || off >= NumRegs || uint64(n) > NumRegs-off {
		return fmt.Errorf("serial: %d-byte access at register offset %d outside the 8 registers", n, off)
	}
	return nil
}

// Queue appends input bytes to the receive FIFO and returns how many fit.
func (u *UART) Queue(b []byte) int {
	u.mu.Lock()
	n := min(len(b), FIFOSize-len(u.rx))
	u.rx = append(u.rx, b[:n]...)
	level := u.updateIRQ()
	u.mu.Unlock()
	u.signal(level)
	return n
}

// OutputErr is the first error the writer returned; the UART drops output
// after it rather than stop the guest.
func (u *UART) OutputErr() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.outErr
}

// Dropped is how many transmitted bytes were dropped after the writer failed.
func (u *UART) Dropped() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.dropped
}
