package kvm

import (
	"testing"
	"unsafe"
)

// TestStructSizes checks each Go mirror against the size <linux/kvm.h>
// gives its struct, which is also the size encoded in the ioctl number.
func TestStructSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"kvm_regs", unsafe.Sizeof(Regs{}), sizeofRegs},
		{"kvm_segment", unsafe.Sizeof(Segment{}), 24},
		{"kvm_dtable", unsafe.Sizeof(DTable{}), 16},
		{"kvm_sregs", unsafe.Sizeof(SRegs{}), sizeofSRegs},
		{"kvm_cpuid_entry2", unsafe.Sizeof(CPUIDEntry{}), sizeofCPUIDEntry2},
		{"kvm_userspace_memory_region", unsafe.Sizeof(UserspaceMemoryRegion{}), sizeofMemoryRegion},
		{"kvm_pit_config", unsafe.Sizeof(pitConfig{}), sizeofPITConfig},
		{"kvm_irqfd", unsafe.Sizeof(irqfdArg{}), sizeofIRQFD},
		{"kvm_ioeventfd", unsafe.Sizeof(ioeventfdArg{}), sizeofIOEventFD},
		{"kvm_irq_level", unsafe.Sizeof(irqLevel{}), sizeofIRQLevel},
		{"kvm_fpu", unsafe.Sizeof(FPU{}), sizeofFPU},
		{"kvm_dirty_log", unsafe.Sizeof(dirtyLog{}), sizeofDirtyLog},
	} {
		if c.got != c.want {
			t.Errorf("struct %s: Go mirror is %d bytes, the kernel's %d", c.name, c.got, c.want)
		}
	}
	if off := unsafe.Offsetof(SRegs{}.CR0); off != 224 {
		t.Errorf("kvm_sregs.cr0 at %d, want 224", off)
	}
}

// TestIoctlNumbers checks the computed request numbers against values
// printed by a C program including <linux/kvm.h>.
func TestIoctlNumbers(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"KVM_GET_API_VERSION", kvmGetAPIVersion, 0xae00},
		{"KVM_GET_SUPPORTED_CPUID", kvmGetSupportedCPUID, 0xc008ae05},
		{"KVM_SET_USER_MEMORY_REGION", kvmSetUserMemoryRegion, 0x4020ae46},
		{"KVM_RUN", kvmRun, 0xae80},
		{"KVM_GET_REGS", kvmGetRegs, 0x8090ae81},
		{"KVM_SET_SREGS", kvmSetSRegs, 0x4138ae84},
		{"KVM_SET_CPUID2", kvmSetCPUID2, 0x4008ae90},
		{"KVM_CREATE_PIT2", kvmCreatePIT2, 0x4040ae77},
		{"KVM_IRQFD", kvmIRQFD, 0x4020ae76},
		{"KVM_IOEVENTFD", kvmIOEventFD, 0x4040ae79},
		{"KVM_GET_MSRS", kvmGetMSRs, 0xc008ae88},
		{"KVM_GET_DIRTY_LOG", kvmGetDirtyLog, 0x4010ae42},
		{"KVM_SET_MSRS", kvmSetMSRs, 0x4008ae89},
		{"KVM_GET_FPU", kvmGetFPU, 0x81a0ae8c},
		{"KVM_SET_FPU", kvmSetFPU, 0x41a0ae8d},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
}
