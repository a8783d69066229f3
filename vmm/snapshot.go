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
//  2. Snapshot copies guest RAM and each vCPU's registers (KVM_GET_REGS),
//     special registers (KVM_GET_SREGS), x87/SSE state (KVM_GET_FPU) and
//     the MSRs of snapshotMSRs (KVM_GET_MSRS). Devices save their own
//     state (serial.UART.Save).
//  3. Restore, on a new VM made with the same Config and before Run,
//     writes RAM back and loads sregs, MSRs, regs and FPU; the guest
//     resumes at the saved RIP.
//
// Not saved yet: AVX and later XSAVE state (KVM_GET_XSAVE), pending events
// (KVM_GET_VCPU_EVENTS), the in-kernel irqchip, LAPIC and PIT, and a file
// format; so a guest that uses those does not survive a restore yet.

// Snapshot is a paused VM's state.
type Snapshot struct {
	RAM   []Region // copies, at their guest-physical addresses
	VCPUs []VCPUState
}

// VCPUState is what KVM holds for one vCPU that the snapshot keeps.
type VCPUState struct {
	Regs  kvm.Regs
	SRegs kvm.SRegs
	FPU   kvm.FPU
	MSRs  []kvm.MSR
}

// snapshotMSRs are the MSRs a 64-bit guest sets that KVM_GET_SREGS does not
// carry (Intel SDM Vol. 4): SYSENTER_CS/ESP/EIP, STAR, LSTAR, CSTAR,
// SFMASK, KERNEL_GS_BASE, the TSC and PAT.
var snapshotMSRs = []uint32{0x174, 0x175, 0x176, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	0xc0000102, 0x10, 0x277}

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
		st, err := saveVCPU(c.c)
		if err != nil {
			return nil, fmt.Errorf("snapshot of vCPU %d: %w", c.c.ID(), err)
		}
		s.VCPUs = append(s.VCPUs, st)
	}
	return s, nil
}

func saveVCPU(c *kvm.VCPU) (st VCPUState, err error) {
	if st.Regs, err = c.GetRegs(); err != nil {
		return st, err
	}
	if st.SRegs, err = c.GetSRegs(); err != nil {
		return st, err
	}
	if st.FPU, err = c.GetFPU(); err != nil {
		return st, err
	}
	for _, i := range snapshotMSRs {
		st.MSRs = append(st.MSRs, kvm.MSR{Index: i})
	}
	return st, c.GetMSRs(st.MSRs)
}

func loadVCPU(c *kvm.VCPU, st VCPUState) error {
	if err := c.SetSRegs(st.SRegs); err != nil {
		return err
	}
	if err := c.SetMSRs(st.MSRs); err != nil {
		return err
	}
	if err := c.SetRegs(st.Regs); err != nil {
		return err
	}
	return c.SetFPU(st.FPU)
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
		if err := loadVCPU(v.vcpus[i].c, st); err != nil {
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
