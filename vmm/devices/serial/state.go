package serial

// State is the UART's register state, for a VM snapshot: everything a
// guest can observe except where the output goes.
type State struct {
	DLL, DLM, IER, LCR, MCR, SCR byte
	FIFOs                        bool
	RX                           []byte
	THREPending                  bool
}

// Save returns the UART's state.
func (u *UART) Save() State {
	u.mu.Lock()
	defer u.mu.Unlock()
	return State{DLL: u.dll, DLM: u.dlm, IER: u.ier, LCR: u.lcr, MCR: u.mcr, SCR: u.scr,
		FIFOs: u.fifo, RX: append([]byte(nil), u.rx...), THREPending: u.threPend}
}

// Restore loads s, clipping bits the registers do not have and the
// receive FIFO to its size, so a corrupt snapshot cannot break the model.
func (u *UART) Restore(s State) {
	u.mu.Lock()
	u.dll, u.dlm, u.ier, u.lcr, u.mcr, u.scr = s.DLL, s.DLM, s.IER&ierMask, s.LCR, s.MCR&mcrMask, s.SCR
	u.fifo, u.threPend = s.FIFOs, s.THREPending
	u.rx = append(u.rx[:0], s.RX[:min(len(s.RX), FIFOSize)]...)
	level := u.updateIRQ()
	u.mu.Unlock()
	u.signal(level)
}
