// Package serial is the 8250/16550A UART the VMM gives a guest as its
// console: the eight byte-wide registers of the National Semiconductor
// PC16550D data sheet (section 8, "Registers"), reached by port I/O at
// COM1 (0x3f8-0x3ff) on a PC, with output to any io.Writer and input
// queued by the VMM.
//
// How a guest drives it, and what the model does at each step:
//
//  1. The driver sets LCR bit 7 (DLAB) and writes the baud divisor to DLL
//     and DLM, which share offsets 0 and 1 with RBR/THR and IER. The divisor
//     is kept and read back; no baud rate is simulated (there is no wire).
//  2. It clears DLAB, sets the word length in LCR, enables the FIFOs with
//     FCR and interrupts with IER, and raises OUT2 in MCR (which gates the
//     IRQ line on a PC).
//  3. To send, it polls LSR until THRE (bit 5) is set and writes THR. The
//     byte goes to the writer at once, so THR is always empty: LSR always
//     reads THRE|TEMT, and with IER bit 1 set the THR-empty interrupt is
//     raised again after every write (data sheet table IV: cleared by
//     reading IIR while it is the source, or by writing THR).
//  4. To receive, the VMM queues bytes (Queue, or Feed from a reader such
//     as stdin, which waits for room rather than drop a byte); LSR bit 0
//     (DR) is set while the 64-byte receive FIFO holds any, and with IER
//     bit 0 set IIR reports "received data available" (0x04), which
//     outranks THR empty (0x02).
//  5. MCR bit 4 (LOOP) turns on loopback: THR bytes go to the receive FIFO
//     instead of the writer, and MSR's upper nibble mirrors MCR's outputs
//     (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2), which Linux's 8250 driver uses
//     to detect the chip.
//  6. The interrupt output (pending interrupt, gated by nothing else) is
//     reported through the IRQ callback whenever its level changes; the VMM
//     connects it to an interrupt line (vmm.VM.IRQLine, an irqfd).
//
// Not modelled: line-status errors (overrun, parity, framing, break), the
// modem-status delta bits, the 16750's 64-byte FIFO mode and auto flow
// control, and transmit timing. Accesses wider than a byte are split into
// byte accesses to consecutive registers, as the ISA bus does. Save and
// Restore (state.go) carry the registers and the receive FIFO across a VM
// snapshot.
package serial
