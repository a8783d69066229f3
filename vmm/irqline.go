package vmm

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// IRQLine connects a device's interrupt output to guest interrupt gsi
// through an irqfd (KVM_IRQFD): the returned function, given the output's
// new level, writes the eventfd on each rising edge, and KVM injects the
// interrupt into the in-kernel PIC and IOAPIC with no exit. An irqfd
// delivers an edge; level-triggered lines with resampling are not done
// yet. The VM needs Config.IRQChip.
func (v *VM) IRQLine(gsi uint32) (func(level bool), error) {
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("vmm: eventfd for GSI %d: %w", gsi, err)
	}
	if err := v.vm.IRQFD(efd, gsi); err != nil {
		unix.Close(efd)
		return nil, fmt.Errorf("vmm: GSI %d: %w", gsi, err)
	}
	v.eventfds = append(v.eventfds, efd)
	one := binary.LittleEndian.AppendUint64(nil, 1)
	return func(level bool) {
		if level {
			// EAGAIN means the counter is full of unconsumed edges: the
			// interrupt is already pending, so dropping this one is right.
			_, _ = unix.Write(efd, one)
		}
	}, nil
}
