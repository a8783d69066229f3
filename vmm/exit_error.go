package vmm

import (
	"fmt"

	"github.com/deepsys/deepsys/vmm/kvm"
)

// VCPUError stops a vCPU: what happened (Err), at which exit, and the
// guest's registers at that moment, so a bad guest or a VMM bug can be
// read off the message.
type VCPUError struct {
	CPU   int
	Exit  kvm.ExitReason
	Regs  kvm.Regs
	SRegs kvm.SRegs
	Err   error
}

func (e *VCPUError) Error() string {
	r, s := e.Regs, e.SRegs
	return fmt.Sprintf("vCPU %d: %v: %v\n"+
		"  rip=%#x rsp=%#x rflags=%#x rax=%#x rbx=%#x rcx=%#x rdx=%#x rsi=%#x rdi=%#x\n"+
		"  cs=%#x (dpl %d, l %d) ss=%#x cr0=%#x cr3=%#x cr4=%#x efer=%#x",
		e.CPU, e.Exit, e.Err, r.RIP, r.RSP, r.RFLAGS, r.RAX, r.RBX, r.RCX, r.RDX, r.RSI, r.RDI,
		s.CS.Selector, s.CS.DPL, s.CS.L, s.SS.Selector, s.CR0, s.CR3, s.CR4, s.EFER)
}

func (e *VCPUError) Unwrap() error { return e.Err }

// stopWith wraps err with the vCPU's registers; a failure to read them is
// added to the message rather than lose the original error.
func (v *vcpu) stopWith(exit kvm.ExitReason, err error) error {
	e := &VCPUError{CPU: v.c.ID(), Exit: exit, Err: err}
	var rerr, serr error
	e.Regs, rerr = v.c.GetRegs()
	e.SRegs, serr = v.c.GetSRegs()
	if rerr != nil || serr != nil {
		e.Err = fmt.Errorf("%w (registers unreadable: %v %v)", err, rerr, serr)
	}
	return e
}
