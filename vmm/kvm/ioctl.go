package kvm

import "fmt"

// The ioctl request numbers of <linux/kvm.h>, built as the kernel's
// <asm-generic/ioctl.h> builds them: direction (2 bits), argument size (14),
// type 0xAE (KVMIO) and number. The sizes are those of the structs in
// regs.go, cpuid.go and vm.go; sizes_unsafe_test.go checks them against
// unsafe.Sizeof.
const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2
	kvmio    = 0xAE
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | kvmio<<8 | nr }
func io(nr uintptr) uintptr             { return ioc(iocNone, nr, 0) }
func iow(nr, size uintptr) uintptr      { return ioc(iocWrite, nr, size) }
func ior(nr, size uintptr) uintptr      { return ioc(iocRead, nr, size) }
func iowr(nr, size uintptr) uintptr     { return ioc(iocRead|iocWrite, nr, size) }

// Struct sizes in bytes, as the kernel's headers declare them.
const (
	sizeofRegs          = 144 // struct kvm_regs
	sizeofSRegs         = 312 // struct kvm_sregs
	sizeofCPUID2        = 8   // struct kvm_cpuid2 without its entries
	sizeofCPUIDEntry2   = 40  // struct kvm_cpuid_entry2
	sizeofMemoryRegion  = 32  // struct kvm_userspace_memory_region
	sizeofPITConfig     = 64  // struct kvm_pit_config
	sizeofIRQFD         = 32  // struct kvm_irqfd
	sizeofIOEventFD     = 64  // struct kvm_ioeventfd
	sizeofIRQLevel      = 8   // struct kvm_irq_level
	sizeofRunHeader     = 32  // struct kvm_run up to its exit union
	sizeofMSRs          = 8   // struct kvm_msrs without its entries
	sizeofMSREntry      = 16  // struct kvm_msr_entry
	sizeofFPU           = 416 // struct kvm_fpu
	sizeofDirtyLog      = 16  // struct kvm_dirty_log
	sizeofIdentityMapAd = 8   // __u64
)

var (
	kvmGetAPIVersion       = io(0x00)
	kvmCreateVM            = io(0x01)
	kvmCheckExtension      = io(0x03)
	kvmGetVCPUMmapSize     = io(0x04)
	kvmGetSupportedCPUID   = iowr(0x05, sizeofCPUID2)
	kvmCreateVCPU          = io(0x41)
	kvmSetUserMemoryRegion = iow(0x46, sizeofMemoryRegion)
	kvmSetTSSAddr          = io(0x47)
	kvmSetIdentityMapAddr  = iow(0x48, sizeofIdentityMapAd)
	kvmCreateIRQChip       = io(0x60)
	kvmIRQLine             = iow(0x61, sizeofIRQLevel)
	kvmIRQFD               = iow(0x76, sizeofIRQFD)
	kvmCreatePIT2          = iow(0x77, sizeofPITConfig)
	kvmIOEventFD           = iow(0x79, sizeofIOEventFD)
	kvmRun                 = io(0x80)
	kvmGetRegs             = ior(0x81, sizeofRegs)
	kvmSetRegs             = iow(0x82, sizeofRegs)
	kvmGetSRegs            = ior(0x83, sizeofSRegs)
	kvmSetSRegs            = iow(0x84, sizeofSRegs)
	kvmSetCPUID2           = iow(0x90, sizeofCPUID2)
	kvmGetMSRs             = iowr(0x88, sizeofMSRs)
	kvmSetMSRs             = iow(0x89, sizeofMSRs)
	kvmGetDirtyLog         = iow(0x42, sizeofDirtyLog)
	kvmGetFPU              = ior(0x8c, sizeofFPU)
	kvmSetFPU              = iow(0x8d, sizeofFPU)
)

// ioctlNames names each request for error messages.
var ioctlNames = map[uintptr]string{
	kvmGetAPIVersion:       "KVM_GET_API_VERSION",
	kvmCreateVM:            "KVM_CREATE_VM",
	kvmCheckExtension:      "KVM_CHECK_EXTENSION",
	kvmGetVCPUMmapSize:     "KVM_GET_VCPU_MMAP_SIZE",
	kvmGetSupportedCPUID:   "KVM_GET_SUPPORTED_CPUID",
	kvmCreateVCPU:          "KVM_CREATE_VCPU",
	kvmSetUserMemoryRegion: "KVM_SET_USER_MEMORY_REGION",
	kvmSetTSSAddr:          "KVM_SET_TSS_ADDR",
	kvmSetIdentityMapAddr:  "KVM_SET_IDENTITY_MAP_ADDR",
	kvmCreateIRQChip:       "KVM_CREATE_IRQCHIP",
	kvmIRQLine:             "KVM_IRQ_LINE",
	kvmIRQFD:               "KVM_IRQFD",
	kvmCreatePIT2:          "KVM_CREATE_PIT2",
	kvmIOEventFD:           "KVM_IOEVENTFD",
	kvmRun:                 "KVM_RUN",
	kvmGetRegs:             "KVM_GET_REGS",
	kvmSetRegs:             "KVM_SET_REGS",
	kvmGetSRegs:            "KVM_GET_SREGS",
	kvmSetSRegs:            "KVM_SET_SREGS",
	kvmSetCPUID2:           "KVM_SET_CPUID2",
	kvmGetMSRs:             "KVM_GET_MSRS",
	kvmSetMSRs:             "KVM_SET_MSRS",
	kvmGetDirtyLog:         "KVM_GET_DIRTY_LOG",
	kvmGetFPU:              "KVM_GET_FPU",
	kvmSetFPU:              "KVM_SET_FPU",
}

// IoctlError is a failed KVM ioctl: which one, and the errno.
type IoctlError struct {
	Name string
	Err  error
}

func (e *IoctlError) Error() string { return fmt.Sprintf("%s: %v", e.Name, e.Err) }
func (e *IoctlError) Unwrap() error { return e.Err }

func ioctlErr(req uintptr, err error) error {
	name, ok := ioctlNames[req]
	if !ok {
		name = fmt.Sprintf("ioctl %#x", req)
	}
	return &IoctlError{Name: name, Err: err}
}
