package acpi

import (
	"fmt"
	"math"
)

// VirtioMMIO is one virtio-mmio transport (virtio 1.2 §4.2) to describe:
// its register window and the GSI it interrupts on.
type VirtioMMIO struct {
	Base uint64
	Size uint64
	GSI  uint32
}

// Legacy COM1 (PC standard), which the UART device model emulates.
const (
	COM1Port = 0x3f8
	COM1IRQ  = 4
	// VirtioMMIOHID is the _HID Linux's virtio_mmio driver matches
	// (drivers/virtio/virtio_mmio.c, virtio_mmio_acpi_match).
	VirtioMMIOHID = "LNRO0005"
	// MaxVirtioMMIO bounds the devices: names run V000..V3E7.
	MaxVirtioMMIO = 1000
)

// DSDT returns the Differentiated System Description Table: AML for
// Scope(\_SB) holding COM1 and the virtio-mmio devices (package comment,
// step 6).
func DSDT(devs []VirtioMMIO) ([]byte, error) {
	if len(devs) > MaxVirtioMMIO {
		return nil, fmt.Errorf("DSDT: %d virtio-mmio devices, at most %d", len(devs), MaxVirtioMMIO)
	}
	body := [][]byte{com1Device()}
	for i, d := range devs {
		if d.Base > math.MaxUint32 || d.Size == 0 || d.Size > math.MaxUint32 || d.Base+d.Size-1 > math.MaxUint32 {
			return nil, fmt.Errorf("DSDT: virtio-mmio device %d [%#x, +%#x) is not a window below 4 GiB", i, d.Base, d.Size)
		}
		body = append(body, virtioDevice(i, d))
	}
	aml := amlScopeObj([]byte{amlRootChar, '_', 'S', 'B', '_'}, body...)
	return sdt("DSDT", 2, aml), nil
}

// com1Device is Device(COM1){_HID EISAID("PNP0501"), _UID 0, _CRS {IO
// 0x3F8-0x3FF, IRQ 4}}.
func com1Device() []byte {
	hid, _ := EISAID("PNP0501") // a constant that cannot fail
	return amlDeviceObj("COM1",
		amlNameObj("_HID", amlInteger(uint64(hid))),
		amlNameObj("_UID", amlInteger(0)),
		amlNameObj("_CRS", resourceTemplate(ioPort(COM1Port, 8), irqNoFlags(COM1IRQ))))
}

// virtioDevice is Device(Vnnn){_HID "LNRO0005", _UID n, _CRS
// {Memory32Fixed, Interrupt}} with nnn the index in hex.
func virtioDevice(i int, d VirtioMMIO) []byte {
	return amlDeviceObj(fmt.Sprintf("V%03X", i),
		amlNameObj("_HID", amlStringLit(VirtioMMIOHID)),
		amlNameObj("_UID", amlInteger(uint64(i))),
		amlNameObj("_CRS", resourceTemplate(memory32Fixed(uint32(d.Base), uint32(d.Size)), extendedInterrupt(d.GSI))))
}
