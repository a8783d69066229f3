package kvm

import (
	"errors"

	"golang.org/x/sys/unix"
)

// VCPU is one virtual CPU: its file and its mmap'd kvm_run page. KVM
// expects a vCPU's ioctls from one thread at a time, and a thread that
// migrates between vCPUs costs a reload of their state; package vmm runs
// each vCPU on a goroutine locked to its OS thread for the vCPU's life.
type VCPU struct {
	fd  int
	id  int
	run []byte // struct kvm_run, shared with the kernel
}

// ID is the vCPU's index, as passed to CreateVCPU.
func (c *VCPU) ID() int { return c.id }

// ErrInterrupted is KVM_RUN's EINTR: a signal arrived, or immediate_exit
// was set, before or while the guest ran (api.rst 4.10). It is no failure:
// the vCPU can be run again.
var ErrInterrupted = errors.New("KVM_RUN interrupted")

// Run enters the guest until the next exit to user space (KVM_RUN, api.rst
// 4.10). Read the reason with Exit afterwards.
func (c *VCPU) Run() error {
	_, err := ioctl(c.fd, kvmRun, 0)
	if errors.Is(err, unix.EINTR) {
		return ErrInterrupted
	}
	return err
}

// Close unmaps kvm_run and closes the vCPU file.
func (c *VCPU) Close() error {
	err := unix.Munmap(c.run)
	c.run = nil
	return errors.Join(err, unix.Close(c.fd))
}
