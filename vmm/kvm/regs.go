package kvm

// Regs mirrors struct kvm_regs of <asm/kvm.h> (x86): the general-purpose
// registers, RIP and RFLAGS (api.rst 4.11 KVM_GET_REGS).
type Regs struct {
	RAX, RBX, RCX, RDX uint64
	RSI, RDI, RSP, RBP uint64
	R8, R9, R10, R11   uint64
	R12, R13, R14, R15 uint64
	RIP, RFLAGS        uint64
}

// Segment mirrors struct kvm_segment: a segment register with its hidden
// descriptor cache (base, limit and the attribute bits of the descriptor).
type Segment struct {
	Base     uint64
	Limit    uint32
	Selector uint16
	Type     uint8
	Present  uint8
	DPL      uint8
	DB       uint8
	S        uint8
	L        uint8
	G        uint8
	AVL      uint8
	Unusable uint8
	_        uint8
}

// DTable mirrors struct kvm_dtable: the GDTR or IDTR.
type DTable struct {
	Base  uint64
	Limit uint16
	_     [3]uint16
}

// SRegs mirrors struct kvm_sregs: segment and descriptor-table registers,
// control registers, EFER and APIC base, and the pending-interrupt bitmap
// (api.rst 4.13 KVM_GET_SREGS).
type SRegs struct {
	CS, DS, ES, FS, GS, SS Segment
	TR, LDT                Segment
	GDT, IDT               DTable
	CR0, CR2, CR3, CR4     uint64
	CR8                    uint64
	EFER                   uint64
	APICBase               uint64
	InterruptBitmap        [4]uint64
}

// GetRegs reads the vCPU's general-purpose registers (KVM_GET_REGS).
func (c *VCPU) GetRegs() (Regs, error) {
	var r Regs
	err := c.getRegs(&r)
	return r, err
}

// SetRegs writes the vCPU's general-purpose registers (KVM_SET_REGS).
func (c *VCPU) SetRegs(r Regs) error { return c.setRegs(&r) }

// GetSRegs reads the vCPU's special registers (KVM_GET_SREGS).
func (c *VCPU) GetSRegs() (SRegs, error) {
	var s SRegs
	err := c.getSRegs(&s)
	return s, err
}

// SetSRegs writes the vCPU's special registers (KVM_SET_SREGS).
func (c *VCPU) SetSRegs(s SRegs) error { return c.setSRegs(&s) }
