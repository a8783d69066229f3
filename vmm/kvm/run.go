package kvm

import (
	"encoding/binary"
	"fmt"
)

// ExitReason is kvm_run.exit_reason (KVM_EXIT_* of <linux/kvm.h>).
type ExitReason uint32

// The exit reasons user space handles (api.rst 5, "The kvm_run structure").
const (
	ExitUnknown       ExitReason = 0
	ExitException     ExitReason = 1
	ExitIO            ExitReason = 2
	ExitHypercall     ExitReason = 3
	ExitDebug         ExitReason = 4
	ExitHLT           ExitReason = 5
	ExitMMIO          ExitReason = 6
	ExitIRQWindowOpen ExitReason = 7
	ExitShutdown      ExitReason = 8
	ExitFailEntry     ExitReason = 9
	ExitIntr          ExitReason = 10
	ExitInternalError ExitReason = 17
	ExitSystemEvent   ExitReason = 24
)

var exitNames = map[ExitReason]string{
	ExitUnknown: "UNKNOWN", ExitException: "EXCEPTION", ExitIO: "IO", ExitHypercall: "HYPERCALL",
	ExitDebug: "DEBUG", ExitHLT: "HLT", ExitMMIO: "MMIO", ExitIRQWindowOpen: "IRQ_WINDOW_OPEN",
	ExitShutdown: "SHUTDOWN", ExitFailEntry: "FAIL_ENTRY", ExitIntr: "INTR",
	ExitInternalError: "INTERNAL_ERROR", ExitSystemEvent: "SYSTEM_EVENT",
}

func (r ExitReason) String() string {
	if n, ok := exitNames[r]; ok {
		return "KVM_EXIT_" + n
	}
	return fmt.Sprintf("KVM_EXIT_%d", uint32(r))
}

// Offsets in struct kvm_run (<linux/kvm.h>); the exit union starts at 32.
const (
	runImmediateExit = 1
	runExitReason    = 8
	runUnion         = 32
	runUnionSize     = 256
)

// Exit reads kvm_run.exit_reason after Run.
func (c *VCPU) Exit() ExitReason {
	return ExitReason(binary.LittleEndian.Uint32(c.run[runExitReason:]))
}

// SetImmediateExit sets kvm_run.immediate_exit: the next KVM_RUN returns
// EINTR at once without entering the guest (KVM_CAP_IMMEDIATE_EXIT).
func (c *VCPU) SetImmediateExit(on bool) {
	var b byte
	if on {
		b = 1
	}
	c.run[runImmediateExit] = b
}

// IOExit is the io member of the exit union: Count accesses of Size bytes
// to Port; Data is where the bytes are (OUT) or go (IN), inside kvm_run.
type IOExit struct {
	Out   bool
	Size  uint8
	Port  uint16
	Count uint32
	Data  []byte
}

// IO decodes a KVM_EXIT_IO. Its data_offset points into the kvm_run
// mapping; an offset or length outside it is an error, not a slice panic.
func (c *VCPU) IO() (IOExit, error) {
	return decodeIO(c.run)
}

func decodeIO(run []byte) (IOExit, error) {
	u := run[runUnion:]
	e := IOExit{Out: u[0] == 1, Size: u[1], Port: binary.LittleEndian.Uint16(u[2:]),
		Count: binary.LittleEndian.Uint32(u[4:])}
	off := binary.LittleEndian.Uint64(u[8:])
	n := uint64(e.Size) * uint64(e.Count)
	if e.Size != 1 && e.Size != 2 && e.Size != 4 {
		return e, fmt.Errorf("KVM_EXIT_IO port %#x: access size %d", e.Port, e.Size)
	}
	if off > uint64(len(run)) || n > uint64(len(run))-off {
		return e, fmt.Errorf("KVM_EXIT_IO port %#x: data at %#x+%d outside kvm_run (%d bytes)", e.Port, off, n, len(run))
	}
	e.Data = run[off : off+n]
	return e, nil
}

// MMIOExit is the mmio member of the exit union: a guest access of Len
// bytes to guest-physical Addr that no memory slot backs. Data is the
// 8-byte buffer inside kvm_run, cut to Len.
type MMIOExit struct {
	Addr  uint64
	Write bool
	Data  []byte
}

// MMIO decodes a KVM_EXIT_MMIO.
func (c *VCPU) MMIO() (MMIOExit, error) {
	return decodeMMIO(c.run)
}

func decodeMMIO(run []byte) (MMIOExit, error) {
	u := run[runUnion:]
	e := MMIOExit{Addr: binary.LittleEndian.Uint64(u), Write: u[20] != 0}
	n := binary.LittleEndian.Uint32(u[16:])
	if n == 0 || n > 8 {
		return e, fmt.Errorf("KVM_EXIT_MMIO at %#x: length %d", e.Addr, n)
	}
	e.Data = u[8 : 8+n]
	return e, nil
}

// FailEntry is the fail_entry member: VM entry failed with this hardware
// reason (the VMCS exit qualification on Intel) on host CPU CPU.
type FailEntry struct {
	HardwareReason uint64
	CPU            uint32
}

// FailEntry decodes a KVM_EXIT_FAIL_ENTRY.
func (c *VCPU) FailEntry() FailEntry {
	u := c.run[runUnion:]
	return FailEntry{HardwareReason: binary.LittleEndian.Uint64(u), CPU: binary.LittleEndian.Uint32(u[8:])}
}

// InternalError is the internal member: KVM could not handle an exit
// itself (an instruction its emulator lacks is suberror 1,
// KVM_INTERNAL_ERROR_EMULATION), with up to 16 words of detail.
type InternalError struct {
	Suberror uint32
	Data     []uint64
}

// InternalError decodes a KVM_EXIT_INTERNAL_ERROR.
func (c *VCPU) InternalError() InternalError {
	return decodeInternal(c.run)
}

func decodeInternal(run []byte) InternalError {
	u := run[runUnion:]
	e := InternalError{Suberror: binary.LittleEndian.Uint32(u)}
	n := min(binary.LittleEndian.Uint32(u[4:]), 16)
	for i := range n {
		e.Data = append(e.Data, binary.LittleEndian.Uint64(u[8+8*i:]))
	}
	return e
}

// SystemEvent decodes a KVM_EXIT_SYSTEM_EVENT: its type (1 shutdown, 2
// reset, 3 crash).
func (c *VCPU) SystemEvent() uint32 {
	return binary.LittleEndian.Uint32(c.run[runUnion:])
}
