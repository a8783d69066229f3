package exitbench

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/vmm"
)

// Sizes of struct kvm_regs and struct kvm_sregs (<linux/kvm.h>, x86), the
// head of the state file exitloop.c reads.
const (
	regsSize  = 144
	sregsSize = 312
)

// stateFile is the state of vm's vCPU 0 and its RAM below its first gap,
// as exitloop.c loads it: struct kvm_regs, struct kvm_sregs, RAM from
// guest-physical address 0.
func stateFile(vm *vmm.VM) ([]byte, error) {
	snap, err := vm.Snapshot()
	if err != nil {
		return nil, err
	}
	if len(snap.VCPUs) == 0 || len(snap.RAM) == 0 || snap.RAM[0].GPA != 0 {
		return nil, fmt.Errorf("exitbench: snapshot has %d vCPUs and %d RAM regions, want RAM from 0", len(snap.VCPUs), len(snap.RAM))
	}
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, snap.VCPUs[0].Regs); err != nil {
		return nil, err
	}
	if err := binary.Write(&b, binary.LittleEndian, snap.VCPUs[0].SRegs); err != nil {
		return nil, err
	}
	if b.Len() != regsSize+sregsSize {
		return nil, fmt.Errorf("exitbench: register state of %d bytes, want %d", b.Len(), regsSize+sregsSize)
	}
	b.Write(snap.RAM[0].Data)
	return b.Bytes(), nil
}
