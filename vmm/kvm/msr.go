package kvm

import (
	"encoding/binary"
	"fmt"
)

// MSR is one model-specific register: struct kvm_msr_entry's index and
// data (api.rst 4.18 KVM_GET_MSRS).
type MSR struct {
	Index uint32
	Data  uint64
}

// GetMSRs reads the MSRs whose Index is set in msrs and fills their Data.
// KVM stops at the first MSR it does not know; that is an error naming it.
func (c *VCPU) GetMSRs(msrs []MSR) error {
	buf := encodeMSRs(msrs)
	n, err := bufIoctl(c.fd, kvmGetMSRs, buf)
	if err != nil {
		return err
	}
	if int(n) < len(msrs) {
		return fmt.Errorf("KVM_GET_MSRS: MSR %#x not readable (read %d of %d)", msrs[n].Index, n, len(msrs))
	}
	for i := range msrs {
		msrs[i].Data = binary.LittleEndian.Uint64(buf[sizeofMSRs+i*sizeofMSREntry+8:])
	}
	return nil
}

// SetMSRs writes msrs (KVM_SET_MSRS, api.rst 4.19).
func (c *VCPU) SetMSRs(msrs []MSR) error {
	n, err := bufIoctl(c.fd, kvmSetMSRs, encodeMSRs(msrs))
	if err != nil {
		return err
	}
	if int(n) < len(msrs) {
		return fmt.Errorf("KVM_SET_MSRS: MSR %#x refused (wrote %d of %d)", msrs[n].Index, n, len(msrs))
	}
	return nil
}

// encodeMSRs lays out struct kvm_msrs and its entries.
func encodeMSRs(msrs []MSR) []byte {
	buf := make([]byte, sizeofMSRs+len(msrs)*sizeofMSREntry)
	binary.LittleEndian.PutUint32(buf, uint32(len(msrs)))
	for i, m := range msrs {
		e := buf[sizeofMSRs+i*sizeofMSREntry:]
		binary.LittleEndian.PutUint32(e, m.Index)
		binary.LittleEndian.PutUint64(e[8:], m.Data)
	}
	return buf
}

// FPU mirrors struct kvm_fpu: the x87 and SSE state (api.rst 4.22
// KVM_GET_FPU).
type FPU struct {
	FPR        [8][16]uint8
	FCW        uint16
	FSW        uint16
	FTWX       uint8
	_          uint8
	LastOpcode uint16
	LastIP     uint64
	LastDP     uint64
	XMM        [16][16]uint8
	MXCSR      uint32
	_          uint32
}

// GetFPU reads the vCPU's x87/SSE state (KVM_GET_FPU).
func (c *VCPU) GetFPU() (FPU, error) {
	var f FPU
	err := c.getFPU(&f)
	return f, err
}

// SetFPU writes the vCPU's x87/SSE state (KVM_SET_FPU).
func (c *VCPU) SetFPU(f FPU) error { return c.setFPU(&f) }
