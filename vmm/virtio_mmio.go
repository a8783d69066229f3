package vmm

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/deepsys/deepsys/vmm/acpi"
	"github.com/deepsys/deepsys/vmm/virtio"
)

// VirtioMMIO is a virtio device on the VM's MMIO bus (virtio 1.2 spec 4.2):
// its virtio.MMIO transport serves the register page at Base, the device
// reads its rings straight from the VM's RAM (vm.Mem), and its interrupt,
// if wired, reaches the guest through an irqfd on GSI.
//
// A register access the transport refuses (a bad width, a register written
// out of sequence, a malformed ring that stopped the device with
// DEVICE_NEEDS_RESET) is the guest's misbehaviour, already contained by the
// transport: the vCPU resumes, as on real hardware, and the error is kept
// for Errors — it does not stop the VM.
type VirtioMMIO struct {
	Transport *virtio.MMIO
	Slot      int
	Base      uint64 // guest-physical address of the register page
	GSI       uint32 // the slot's interrupt line (wired if VirtioConfig.Interrupt)

	ioNotifies atomic.Uint64 // notifications served from an ioeventfd

	mu      sync.Mutex
	errs    []error // the first maxVirtioErrors refused accesses
	dropped int     // refused accesses beyond those
}

// maxVirtioErrors bounds what a guest hammering bad registers can make the
// VMM keep.
const maxVirtioErrors = 64

// VirtioConfig says how a virtio-mmio device is wired.
type VirtioConfig struct {
	// Interrupt delivers the device's interrupt through an irqfd on GSI
	// VirtioIRQBase+slot (needs Config.IRQChip). Without it the driver
	// must poll the used ring.
	Interrupt bool
	// IOEventFD binds each queue's QueueNotify to an ioeventfd served by a
	// goroutine (notifyByIOEventFD) instead of an MMIO exit.
	IOEventFD bool
}

// AddVirtioMMIO places dev in virtio-mmio slot (0 to VirtioMMIOSlots-1),
// at VirtioMMIOStart + slot*VirtioMMIOStride. Call it before Run. The
// caller keeps dev (a disk's file) open until the VM is closed.
func (v *VM) AddVirtioMMIO(slot int, dev virtio.Device, cfg VirtioConfig) (*VirtioMMIO, error) {
	if slot < 0 || slot >= VirtioMMIOSlots {
		return nil, fmt.Errorf("vmm: virtio-mmio slot %d: want 0-%d", slot, VirtioMMIOSlots-1)
	}
	d := &VirtioMMIO{Slot: slot, Base: VirtioMMIOStart + uint64(slot)*VirtioMMIOStride, GSI: VirtioIRQBase + uint32(slot)}
	var irq func()
	if cfg.Interrupt {
		line, err := v.IRQLine(d.GSI)
		if err != nil {
			return nil, fmt.Errorf("vmm: virtio-mmio slot %d: %w", slot, err)
		}
		irq = func() { line(true) }
	}
	d.Transport = virtio.NewMMIO(dev, v.Mem, irq)
	name := fmt.Sprintf("virtio-mmio%d (device type %d)", slot, dev.Type())
	if err := v.MMIO.Insert(d.Base, virtio.MMIOSize, name, d); err != nil {
		return nil, err
	}
	if cfg.IOEventFD {
		if err := v.notifyByIOEventFD(d, len(dev.QueueMaxSizes())); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Read implements Device: a guest load from the register page.
func (d *VirtioMMIO) Read(off uint64, data []byte) error {
	d.record(d.Transport.Read(off, data))
	return nil
}

// Write implements Device: a guest store to the register page.
func (d *VirtioMMIO) Write(off uint64, data []byte) error {
	d.record(d.Transport.Write(off, data))
	return nil
}

func (d *VirtioMMIO) record(err error) {
	if err == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.errs) < maxVirtioErrors {
		d.errs = append(d.errs, fmt.Errorf("virtio-mmio%d at %#x: %w", d.Slot, d.Base, err))
	} else {
		d.dropped++
	}
}

// Errors returns the guest accesses the transport refused, oldest first
// (at most 64), and how many more were not kept.
func (d *VirtioMMIO) Errors() (errs []error, dropped int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.errs...), d.dropped
}

// ACPI is the device as the DSDT describes it to a Linux guest (a
// LNRO0005 device with its register window and interrupt, vmm/acpi).
func (d *VirtioMMIO) ACPI() acpi.VirtioMMIO {
	return acpi.VirtioMMIO{Base: d.Base, Size: virtio.MMIOSize, GSI: d.GSI}
}
