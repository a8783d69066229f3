package kvm

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctl issues req on fd with an integer argument and returns the result.
func ioctl(fd int, req, arg uintptr) (uintptr, error) {
	for {
		r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, arg)
		if !retry(req, errno) {
			if errno != 0 {
				return r, ioctlErr(req, errno)
			}
			return r, nil
		}
	}
}

// ioctlPtr issues req with a pointer to a struct the kernel reads or fills.
func ioctlPtr(fd int, req uintptr, p unsafe.Pointer) (uintptr, error) {
	for {
		r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(p))
		if !retry(req, errno) {
			if errno != 0 {
				return r, ioctlErr(req, errno)
			}
			return r, nil
		}
	}
}

// retry: an ioctl interrupted by a signal is made again, except KVM_RUN,
// whose EINTR is how a kick or immediate_exit is reported. Go sends its
// threads SIGURG to preempt goroutines, and KVM_CREATE_VM, for one, can
// be interrupted by it (seen under load: "KVM_CREATE_VM: interrupted
// system call").
func retry(req uintptr, errno unix.Errno) bool {
	return errno == unix.EINTR && req != kvmRun
}

func (c *VCPU) getRegs(r *Regs) error {
	_, err := ioctlPtr(c.fd, kvmGetRegs, unsafe.Pointer(r))
	return err
}

func (c *VCPU) setRegs(r *Regs) error {
	_, err := ioctlPtr(c.fd, kvmSetRegs, unsafe.Pointer(r))
	return err
}

func (c *VCPU) getSRegs(s *SRegs) error {
	_, err := ioctlPtr(c.fd, kvmGetSRegs, unsafe.Pointer(s))
	return err
}

func (c *VCPU) setSRegs(s *SRegs) error {
	_, err := ioctlPtr(c.fd, kvmSetSRegs, unsafe.Pointer(s))
	return err
}

func (v *VM) setMemoryRegion(r *UserspaceMemoryRegion) error {
	_, err := ioctlPtr(v.fd, kvmSetUserMemoryRegion, unsafe.Pointer(r))
	return err
}

// hostAddr is the address of mem[0] in this process, for
// kvm_userspace_memory_region.userspace_addr. The caller keeps mem mapped
// (it comes from mmap, so the garbage collector never moves it).
func hostAddr(mem []byte) uint64 { return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(mem)))) }

func (v *VM) ioctlStruct(req uintptr, p unsafe.Pointer) error {
	_, err := ioctlPtr(v.fd, req, p)
	return err
}

func (v *VM) createPIT2(c *pitConfig) error { return v.ioctlStruct(kvmCreatePIT2, unsafe.Pointer(c)) }
func (v *VM) irqfd(c *irqfdArg) error       { return v.ioctlStruct(kvmIRQFD, unsafe.Pointer(c)) }
func (v *VM) ioeventfd(c *ioeventfdArg) error {
	return v.ioctlStruct(kvmIOEventFD, unsafe.Pointer(c))
}
func (v *VM) irqLine(l *irqLevel) error { return v.ioctlStruct(kvmIRQLine, unsafe.Pointer(l)) }

func (v *VM) setIdentityMapAddr(addr *uint64) error {
	return v.ioctlStruct(kvmSetIdentityMapAddr, unsafe.Pointer(addr))
}

// bufIoctl passes a header followed by its entries (kvm_cpuid2,
// kvm_msrs), laid out in one buffer as the kernel expects a flexible array
// member, and returns the ioctl's result.
func bufIoctl(fd int, req uintptr, buf []byte) (uintptr, error) {
	return ioctlPtr(fd, req, unsafe.Pointer(unsafe.SliceData(buf)))
}

func (c *VCPU) getFPU(f *FPU) error {
	_, err := ioctlPtr(c.fd, kvmGetFPU, unsafe.Pointer(f))
	return err
}

func (c *VCPU) setFPU(f *FPU) error {
	_, err := ioctlPtr(c.fd, kvmSetFPU, unsafe.Pointer(f))
	return err
}

// dirtyLog mirrors struct kvm_dirty_log: the slot and the address of a
// bitmap of one bit per page, which the kernel fills.
type dirtyLog struct {
	Slot   uint32
	_      uint32
	Bitmap uint64
}

func (v *VM) getDirtyLog(slot uint32, bitmap []uint64) error {
	d := dirtyLog{Slot: slot, Bitmap: uint64(uintptr(unsafe.Pointer(unsafe.SliceData(bitmap))))}
	err := v.ioctlStruct(kvmGetDirtyLog, unsafe.Pointer(&d))
	runtime.KeepAlive(bitmap)
	return err
}
