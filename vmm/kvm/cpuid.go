package kvm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"
)

// CPUIDEntry mirrors struct kvm_cpuid_entry2: the answer of one CPUID leaf
// (Function, the EAX input) and subleaf (Index, the ECX input) (api.rst,
// KVM_SET_CPUID2).
type CPUIDEntry struct {
	Function uint32
	Index    uint32
	Flags    uint32
	EAX      uint32
	EBX      uint32
	ECX      uint32
	EDX      uint32
	_        [3]uint32
}

// CPUIDFlagSignificantIndex is KVM_CPUID_FLAG_SIGNIF_INDEX: the leaf's
// answer depends on ECX.
const CPUIDFlagSignificantIndex = 1

// maxCPUIDEntries bounds KVM_GET_SUPPORTED_CPUID; KVM answers E2BIG when
// the buffer is too small, and no kernel has needed more than this.
const maxCPUIDEntries = 256

// SupportedCPUID asks which CPUID leaves KVM can virtualise on this host
// (KVM_GET_SUPPORTED_CPUID, api.rst 4.46).
func (s *System) SupportedCPUID() ([]CPUIDEntry, error) {
	buf := make([]byte, sizeofCPUID2+maxCPUIDEntries*sizeofCPUIDEntry2)
	binary.LittleEndian.PutUint32(buf, maxCPUIDEntries)
	if _, err := bufIoctl(s.fd, kvmGetSupportedCPUID, buf); err != nil {
		if errors.Is(err, syscall.E2BIG) {
			return nil, fmt.Errorf("%w (more than %d leaves)", err, maxCPUIDEntries)
		}
		return nil, err
	}
	return decodeCPUID(buf)
}

// SetCPUID2 sets the CPUID leaves the guest sees (KVM_SET_CPUID2). It must
// be called before the first KVM_RUN.
func (c *VCPU) SetCPUID2(entries []CPUIDEntry) error {
	_, err := bufIoctl(c.fd, kvmSetCPUID2, encodeCPUID(entries))
	return err
}

// encodeCPUID lays out a kvm_cpuid2 header and its entries.
func encodeCPUID(entries []CPUIDEntry) []byte {
	buf := make([]byte, sizeofCPUID2+len(entries)*sizeofCPUIDEntry2)
	binary.LittleEndian.PutUint32(buf, uint32(len(entries)))
	for i, e := range entries {
		b := buf[sizeofCPUID2+i*sizeofCPUIDEntry2:]
		for j, v := range []uint32{e.Function, e.Index, e.Flags, e.EAX, e.EBX, e.ECX, e.EDX} {
			binary.LittleEndian.PutUint32(b[4*j:], v)
		}
	}
	return buf
}

// decodeCPUID reads back a kvm_cpuid2 the kernel filled.
func decodeCPUID(buf []byte) ([]CPUIDEntry, error) {
	n := int(binary.LittleEndian.Uint32(buf))
	if n > (len(buf)-sizeofCPUID2)/sizeofCPUIDEntry2 {
		return nil, fmt.Errorf("kvm_cpuid2.nent %d exceeds the buffer", n)
	}
	out := make([]CPUIDEntry, n)
	for i := range out {
		b := buf[sizeofCPUID2+i*sizeofCPUIDEntry2:]
		u := func(j int) uint32 { return binary.LittleEndian.Uint32(b[4*j:]) }
		out[i] = CPUIDEntry{Function: u(0), Index: u(1), Flags: u(2), EAX: u(3), EBX: u(4), ECX: u(5), EDX: u(6)}
	}
	return out, nil
}
