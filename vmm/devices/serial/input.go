package serial

import (
	"errors"
	"io"
)

// Feed copies r into the receive FIFO until r ends or Close is called,
// waiting while the FIFO is full (the guest reads RBR to make room), so no
// input byte is dropped: a console on stdin or a socket. It returns nil at
// io.EOF and after Close, else r's error. Close ends a Feed that waits for
// room; one blocked inside r.Read returns when r does (close r too).
func (u *UART) Feed(r io.Reader) error {
	buf := make([]byte, FIFOSize)
	for {
		n, err := r.Read(buf)
		if !u.queueAll(buf[:n]) {
			return nil
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// queueAll queues b, waiting for room; false means the UART was closed.
func (u *UART) queueAll(b []byte) bool {
	for len(b) > 0 {
		u.mu.Lock()
		for len(u.rx) == FIFOSize && !u.closed {
			u.room.Wait()
		}
		if u.closed {
			u.mu.Unlock()
			return false
		}
		n := min(len(b), FIFOSize-len(u.rx))
		u.rx = append(u.rx, b[:n]...)
		level := u.updateIRQ()
		u.mu.Unlock()
		u.signal(level)
		b = b[n:]
	}
	return true
}

// Close ends a Feed waiting for room in the FIFO.
func (u *UART) Close() {
	u.mu.Lock()
	u.closed = true
	u.room.Broadcast()
	u.mu.Unlock()
}
