package kvm

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// VM is a KVM virtual machine: its guest-physical memory slots, its
// in-kernel devices, and its vCPUs.
type VM struct {
	fd  int
	sys *System
}

// UserspaceMemoryRegion mirrors struct kvm_userspace_memory_region (api.rst
// 4.35): slot Slot maps guest-physical [GuestPhysAddr, +MemorySize) onto
// this process's memory at UserspaceAddr.
type UserspaceMemoryRegion struct {
	Slot          uint32
	Flags         uint32
	GuestPhysAddr uint64
	MemorySize    uint64
	UserspaceAddr uint64
}

// Memory-region flags.
const (
	MemLogDirtyPages = 1 << 0 // KVM_MEM_LOG_DIRTY_PAGES
	MemReadOnly      = 1 << 1 // KVM_MEM_READONLY
)

// SetUserMemoryRegion maps mem as guest-physical memory at gpa in slot. mem
// must be page-aligned (from mmap) and stay mapped while the VM lives; an
// empty mem deletes the slot.
func (v *VM) SetUserMemoryRegion(slot, flags uint32, gpa uint64, mem []byte) error {
	r := UserspaceMemoryRegion{Slot: slot, Flags: flags, GuestPhysAddr: gpa, MemorySize: uint64(len(mem))}
	if len(mem) > 0 {
		r.UserspaceAddr = hostAddr(mem)
	}
	if err := v.setMemoryRegion(&r); err != nil {
		return fmt.Errorf("slot %d at %#x (+%#x): %w", slot, gpa, len(mem), err)
	}
	return nil
}

// GetDirtyLog returns which pages of slot the guest wrote since the last
// call, one bit per 4 KiB page (bit i of word i/64 is page i), and starts
// a new round (KVM_GET_DIRTY_LOG, api.rst 4.8). The slot must have been
// registered with MemLogDirtyPages and be size bytes long.
func (v *VM) GetDirtyLog(slot uint32, size uint64) ([]uint64, error) {
	pages := (size + 4095) / 4096
	bitmap := make([]uint64, (pages+63)/64)
	if err := v.getDirtyLog(slot, bitmap); err != nil {
		return nil, fmt.Errorf("slot %d: %w", slot, err)
	}
	return bitmap, nil
}

// SetTSSAddr gives KVM three pages of guest-physical address space for the
// real-mode TSS Intel's VMX needs (KVM_SET_TSS_ADDR, api.rst 4.36); they
// must not overlap memory or MMIO the guest uses.
func (v *VM) SetTSSAddr(addr uint64) error {
	_, err := ioctl(v.fd, kvmSetTSSAddr, uintptr(addr))
	return err
}

// SetIdentityMapAddr gives KVM one page for the identity page table VMX
// uses for real mode without unrestricted guest (KVM_SET_IDENTITY_MAP_ADDR,
// api.rst 4.40).
func (v *VM) SetIdentityMapAddr(addr uint64) error { return v.setIdentityMapAddr(&addr) }

// CreateIRQChip makes the in-kernel PIC, IOAPIC and per-vCPU local APICs
// (KVM_CREATE_IRQCHIP, api.rst 4.24). Call it before creating vCPUs.
func (v *VM) CreateIRQChip() error {
	_, err := ioctl(v.fd, kvmCreateIRQChip, 0)
	return err
}

// pitConfig mirrors struct kvm_pit_config.
type pitConfig struct {
	Flags uint32
	_     [15]uint32
}

// PITSpeakerDummy is KVM_PIT_SPEAKER_DUMMY: port 0x61 reads as a dummy
// speaker, as Linux's calibration expects.
const PITSpeakerDummy = 1

// CreatePIT2 makes the in-kernel i8254 timer (KVM_CREATE_PIT2, api.rst
// 4.71); it needs the in-kernel irqchip.
func (v *VM) CreatePIT2(flags uint32) error { return v.createPIT2(&pitConfig{Flags: flags}) }

// irqLevel mirrors struct kvm_irq_level.
type irqLevel struct {
	IRQ   uint32
	Level uint32
}

// IRQLine sets the level of an in-kernel interrupt-controller input
// (KVM_IRQ_LINE, api.rst 4.25).
func (v *VM) IRQLine(irq uint32, high bool) error {
	l := irqLevel{IRQ: irq}
	if high {
		l.Level = 1
	}
	return v.irqLine(&l)
}

// irqfdArg mirrors struct kvm_irqfd.
type irqfdArg struct {
	FD         uint32
	GSI        uint32
	Flags      uint32
	ResampleFD uint32
	_          [16]uint8
}

// IRQFD makes a write to eventfd fd inject interrupt gsi without a trip
// through this process (KVM_IRQFD, api.rst 4.75).
func (v *VM) IRQFD(fd int, gsi uint32) error {
	return v.irqfd(&irqfdArg{FD: uint32(fd), GSI: gsi})
}

// ioeventfdArg mirrors struct kvm_ioeventfd.
type ioeventfdArg struct {
	DataMatch uint64
	Addr      uint64
	Len       uint32
	FD        int32
	Flags     uint32
	_         [36]uint8
}

// IOEventFD flags.
const (
	IOEventFDDataMatch = 1 << 0 // KVM_IOEVENTFD_FLAG_DATAMATCH
	IOEventFDPIO       = 1 << 1 // KVM_IOEVENTFD_FLAG_PIO
)

// IOEventFD makes a guest write of len bytes to addr (a port if flags has
// IOEventFDPIO, else MMIO) signal eventfd fd inside the kernel, with no
// exit to user space (KVM_IOEVENTFD, api.rst 4.59).
func (v *VM) IOEventFD(fd int, addr uint64, length uint32, flags uint32, match uint64) error {
	a := ioeventfdArg{DataMatch: match, Addr: addr, Len: length, FD: int32(fd), Flags: flags}
	if err := v.ioeventfd(&a); err != nil {
		return fmt.Errorf("eventfd on %#x (%d bytes): %w", addr, length, err)
	}
	return nil
}

// CreateVCPU makes vCPU id (its initial APIC ID) and maps its kvm_run page
// (KVM_CREATE_VCPU, api.rst 4.7).
func (v *VM) CreateVCPU(id int) (*VCPU, error) {
	fd, err := ioctl(v.fd, kvmCreateVCPU, uintptr(id))
	if err != nil {
		return nil, fmt.Errorf("vCPU %d: %w", id, err)
	}
	run, err := unix.Mmap(int(fd), 0, v.sys.mmapSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		unix.Close(int(fd))
		return nil, fmt.Errorf("mmap kvm_run of vCPU %d: %w", id, err)
	}
	return &VCPU{fd: int(fd), id: id, run: run}, nil
}

// Close closes the VM file; KVM frees the VM when its vCPUs are closed too.
func (v *VM) Close() error { return unix.Close(v.fd) }
