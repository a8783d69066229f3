package vmm

import "github.com/deepsys/deepsys/vmm/kvm"

// CPUID shaping: the guest sees what KVM can virtualise on this host
// (KVM_GET_SUPPORTED_CPUID), edited per vCPU so that it can tell the vCPUs
// apart and knows it runs under a hypervisor:
//
//  1. Leaf 1: EBX[31:24] is the initial APIC ID (the vCPU's index), ECX bit
//     31 says a hypervisor is present (Intel SDM Vol. 2A, CPUID leaf 01H).
//  2. Leaves 0BH and 1FH (extended topology): EDX is the x2APIC ID.
//
// KVM also uses the table to decide what the guest may do: without the LM
// bit in leaf 0x80000001, KVM_SET_SREGS refuses EFER.LME, so CPUID is set
// before the registers.
func shapeCPUID(supported []kvm.CPUIDEntry, id int) []kvm.CPUIDEntry {
	out := make([]kvm.CPUIDEntry, len(supported))
	copy(out, supported)
	for i := range out {
		e := &out[i]
		switch e.Function {
		case 1:
			e.EBX = e.EBX&0x00ffffff | uint32(id)<<24
			e.ECX |= 1 << 31
		case 0xb, 0x1f:
			e.EDX = uint32(id)
		}
	}
	return out
}
