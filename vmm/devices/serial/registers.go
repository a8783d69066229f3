package serial

// readReg is one register read (PC16550D table II); u.mu is held.
func (u *UART) readReg(r int) byte {
	dlab := u.lcr&lcrDLAB != 0
	switch {
	case r == RBR && dlab:
		return u.dll
	case r == RBR:
		return u.popRx()
	case r == IER && dlab:
		return u.dlm
	case r == IER:
		return u.ier
	case r == IIR:
		return u.readIIR()
	case r == LCR:
		return u.lcr
	case r == MCR:
		return u.mcr
	case r == LSR:
		return u.lsr()
	case r == MSR:
		return u.msr()
	default: // SCR
		return u.scr
	}
}

// writeReg is one register write; u.mu is held.
func (u *UART) writeReg(r int, b byte) {
	dlab := u.lcr&lcrDLAB != 0
	switch {
	case r == THR && dlab:
		u.dll = b
	case r == THR:
		u.transmit(b)
	case r == IER && dlab:
		u.dlm = b
	case r == IER:
		u.writeIER(b)
	case r == FCR:
		u.writeFCR(b)
	case r == LCR:
		u.lcr = b
	case r == MCR:
		u.mcr = b & mcrMask
	case r == SCR:
		u.scr = b
	} // LSR and MSR are read-only; writes are ignored, as by the chip
}

// transmit sends b: to the receive FIFO in loopback, else to the writer.
// THR is empty again at once, so a THR-empty interrupt is raised anew.
func (u *UART) transmit(b byte) {
	if u.mcr&mcrLoop != 0 {
		if len(u.rx) < FIFOSize {
			u.rx = append(u.rx, b)
		}
	} else if u.outErr == nil {
		if _, err := u.out.Write([]byte{b}); err != nil {
			u.outErr = err
		}
	} else {
		u.dropped++
	}
	u.threPend = true
}

// writeIER sets the enables; enabling THR-empty while THR is empty raises
// the interrupt (what the chip does, and what Linux's probe checks).
func (u *UART) writeIER(b byte) {
	if b&ierTHRE != 0 && u.ier&ierTHRE == 0 {
		u.threPend = true
	}
	u.ier = b & ierMask
}

// writeFCR enables or disables the FIFOs; bits 1 and 2 clear them.
func (u *UART) writeFCR(b byte) {
	u.fifo = b&fcrEnable != 0
	if b&0x02 != 0 {
		u.rx = u.rx[:0]
		u.room.Broadcast()
	}
}

func (u *UART) popRx() byte {
	if len(u.rx) == 0 {
		return 0
	}
	b := u.rx[0]
	u.rx = u.rx[1:]
	u.room.Broadcast()
	return b
}

// pending is the highest-priority interrupt source, or iirNone.
func (u *UART) pending() byte {
	switch {
	case u.ier&ierRxData != 0 && len(u.rx) > 0:
		return iirRxData
	case u.ier&ierTHRE != 0 && u.threPend:
		return iirTHRE
	}
	return iirNone
}

// readIIR reports the pending source; reading it acknowledges THR empty.
func (u *UART) readIIR() byte {
	p := u.pending()
	if p == iirTHRE {
		u.threPend = false
	}
	if u.fifo {
		p |= iirFIFOs
	}
	return p
}

func (u *UART) lsr() byte {
	v := byte(lsrTHRE | lsrTEMT)
	if len(u.rx) > 0 {
		v |= lsrDR
	}
	return v
}

// msr: in loopback the upper nibble mirrors MCR's DTR, RTS, OUT1, OUT2
// (as CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2); else a terminal is attached.
func (u *UART) msr() byte {
	if u.mcr&mcrLoop == 0 {
		return msrIdle
	}
	m := u.mcr
	return (m&0x02)<<3 | (m&0x01)<<5 | (m&0x04)<<4 | (m&0x08)<<4
}

// updateIRQ computes the interrupt output and reports a change; u.mu is
// held. The callback runs after the lock is dropped (signal).
func (u *UART) updateIRQ() (changed *bool) {
	level := u.pending() != iirNone
	if level == u.irqLevel {
		return nil
	}
	u.irqLevel = level
	return &level
}

func (u *UART) signal(level *bool) {
	if level != nil && u.irq != nil {
		u.irq(*level)
	}
}
