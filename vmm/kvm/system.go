package kvm

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// StableAPIVersion is what KVM_GET_API_VERSION answers on every kernel
// since 2.6.22 (api.rst 4.1); anything else is refused.
const StableAPIVersion = 12

// Capabilities for CheckExtension (KVM_CAP_* of <linux/kvm.h>).
const (
	CapIRQChip     = 0
	CapUserMemory  = 3
	CapSetTSSAddr  = 4
	CapExtCPUID    = 7
	CapIRQRouting  = 25
	CapIRQFD       = 32
	CapPIT2        = 33
	CapIOEventFD   = 36
	CapImmediateEx = 136 // KVM_CAP_IMMEDIATE_EXIT
	CapNrMemSlots  = 10
	CapNrVCPUs     = 9
	CapMaxVCPUs    = 66
)

// System is an open /dev/kvm.
type System struct {
	fd       int
	mmapSize int
}

// Open opens /dev/kvm, checks the API version and learns the size of the
// kvm_run mapping (KVM_GET_VCPU_MMAP_SIZE, api.rst 4.5).
func Open() (*System, error) {
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/kvm: %w", err)
	}
	s := &System{fd: fd}
	if err := s.init(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
}

func (s *System) init() error {
	v, err := ioctl(s.fd, kvmGetAPIVersion, 0)
	if err != nil {
		return err
	}
	if v != StableAPIVersion {
		return fmt.Errorf("KVM_GET_API_VERSION: version %d, want %d", v, StableAPIVersion)
	}
	n, err := ioctl(s.fd, kvmGetVCPUMmapSize, 0)
	if err != nil {
		return err
	}
	if n < sizeofRunHeader+runUnionSize {
		return fmt.Errorf("KVM_GET_VCPU_MMAP_SIZE: %d bytes, smaller than struct kvm_run", n)
	}
	s.mmapSize = int(n)
	return nil
}

// CheckExtension asks whether capability c is present; many answer with a
// number (KVM_CHECK_EXTENSION, api.rst 4.4), 0 meaning absent.
func (s *System) CheckExtension(c int) (int, error) {
	r, err := ioctl(s.fd, kvmCheckExtension, uintptr(c))
	return int(r), err
}

// VCPUMmapSize is the size of each vCPU's kvm_run mapping.
func (s *System) VCPUMmapSize() int { return s.mmapSize }

// CreateVM makes a VM of the default type (KVM_CREATE_VM, api.rst 4.2).
func (s *System) CreateVM() (*VM, error) {
	fd, err := ioctl(s.fd, kvmCreateVM, 0)
	if err != nil {
		return nil, err
	}
	return &VM{fd: int(fd), sys: s}, nil
}

// Close closes /dev/kvm; VMs made from it stay valid.
func (s *System) Close() error { return unix.Close(s.fd) }
