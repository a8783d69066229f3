package vmm

import (
	"errors"
	"fmt"

	"github.com/deepsys/deepsys/vmm/kvm"
)

// Snapshot and restore, in memory: the state that makes a small guest
// continue where it was, on a fresh VM of the same shape.
//
//  1. The VM is paused (pause.go): every vCPU is out of KVM_RUN, parked on
//     its thread, and any I/O instruction it was in the middle of has been
//     completed by a KVM_RUN with immediate_exit (completePending), so
//     RIP and the registers describe an instruction boundary.
//  2. Snapshot copies guest RAM and each vCPU's KVM_GET_REGS and
//     KVM_GET_SREGS. Devices save their own state (serial.UART.Save).
//  3. Restore, on a new VM made with the same Config and before Run,
//     writes RAM back and loads the registers with KVM_SET_REGS and
//     KVM_SET_SREGS; the guest resumes at the saved RIP.
//
// Not saved yet: MSRs beyond EFER (KVM_GET_MSRS), FPU/SSE/XSAVE state,
// pending events (KVM_GET_VCPU_EVENTS), the in-kernel irqchip, LAPIC and
// PIT, the TSC, and a file format; so a guest that uses those does not
// survive a restore yet.

// Snapshot is a paused VM's state.
type Snapshot struct {
	RAM   []Region // copies, at their guest-physical addresses
	VCPUs []VCPUState
}

// VCPUState is what KVM holds for one vCPU that the snapshot keeps.
type VCPUState struct {
	Regs  kvm.Regs
	SRegs kvm.SRegs
}

// Snapshot copies RAM and vCPU state. The VM must be paused (or not
// running): a running vCPU would change both under the copy.
func (v *VM) Snapshot() (*Snapshot, error) {
	if !v.quiescent() {
		return nil, errors.New("vmm: snapshot of a running VM: pause it first")
	}
	s := &Snapshot{}
	for _, r := range v.Mem.Regions() {
		s.RAM = append(s.RAM, Region{GPA: r.GPA, Data: append([]byte(nil), r.Data...)})
	}
	for _, c := range v.vcpus {
		regs, err := c.c.GetRegs()
		if err != nil {
			return nil, fmt.Errorf("snapshot of vCPU %d: %w", c.c.ID(), err)
		}
		sregs, err := c.c.GetSRegs()
		if err != nil {
			return nil, fmt.Errorf("snapshot of vCPU %d: %w", c.c.ID(), err)
		}
		s.VCPUs = append(s.VCPUs, VCPUState{Regs: regs, SRegs: sregs})
	}
	return s, nil
}

// Restore loads s into this VM, which must have been made with the same
// RAM size and vCPU count and not be running.
func (v *VM) Restore(s *Snapshot) error {
	if !v.quiescent() {
		return errors.New("vmm: restore into a running VM")
	}
	if err := v.restoreRAM(s.RAM); err != nil {
		return err
	}
	if len(s.VCPUs) != len(v.vcpus) {
		return fmt.Errorf("vmm: snapshot has %d vCPUs, this VM %d", len(s.VCPUs), len(v.vcpus))
	}
	for i, st := range s.VCPUs {
		c := v.vcpus[i].c
		if err := c.SetSRegs(st.SRegs); err != nil {
			return fmt.Errorf("restore of vCPU %d: %w", i, err)
		}
		if err := c.SetRegs(st.Regs); err != nil {
			return fmt.Errorf("restore of vCPU %d: %w", i, err)
		}
	}
	return nil
}

func (v *VM) restoreRAM(ram []Region) error {
	have := v.Mem.Regions()
	if len(ram) != len(have) {
		return fmt.Errorf("vmm: snapshot has %d RAM regions, this VM %d", len(ram), len(have))
	}
	for i, r := range ram {
		if r.GPA != have[i].GPA || len(r.Data) != len(have[i].Data) {
			return fmt.Errorf("vmm: snapshot RAM region %#x+%#x, this VM's %#x+%#x",
				r.GPA, len(r.Data), have[i].GPA, len(have[i].Data))
		}
		copy(have[i].Data, r.Data)
	}
	return nil
}

// quiescent: no vCPU is inside Run, or all of them are parked.
func (v *VM) quiescent() bool {
	p := &v.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active == 0 || p.paused && p.parked == p.active
}
