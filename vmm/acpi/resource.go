package acpi

import "encoding/binary"

// Resource descriptors (§6.4 "Resource Data Types for ACPI"), the contents
// of a _CRS ResourceTemplate buffer.

// ioPort is the small I/O Port descriptor (§6.4.2.5): 16-bit decode, a fixed
// range min == max.
func ioPort(base uint16, length uint8) []byte {
	b := []byte{0x47, 0x01}
	b = binary.LittleEndian.AppendUint16(b, base)
	b = binary.LittleEndian.AppendUint16(b, base)
	return append(b, 1, length) // alignment 1
}

// irqNoFlags is the small IRQ descriptor without the flags byte
// (§6.4.2.1): edge-triggered, active high; one bit per ISA IRQ.
func irqNoFlags(irq uint8) []byte {
	return binary.LittleEndian.AppendUint16([]byte{0x22}, 1<<irq)
}

// memory32Fixed is the large 32-bit Fixed Memory Range descriptor
// (§6.4.3.4), read-write.
func memory32Fixed(base, length uint32) []byte {
	b := []byte{0x86, 9, 0, 1}
	b = binary.LittleEndian.AppendUint32(b, base)
	return binary.LittleEndian.AppendUint32(b, length)
}

// Extended Interrupt descriptor flags (§6.4.3.6).
const (
	intConsumer = 1 << 0
	intEdge     = 1 << 1
)

// extendedInterrupt is the large Extended Interrupt descriptor (§6.4.3.6)
// for one GSI: consumer, edge-triggered, active high, exclusive.
func extendedInterrupt(gsi uint32) []byte {
	b := []byte{0x89, 6, 0, intConsumer | intEdge, 1}
	return binary.LittleEndian.AppendUint32(b, gsi)
}

// resourceTemplate ends descs with the End Tag (§6.4.2.9; checksum 0
// means "treat as correct") and wraps them in an AML Buffer.
func resourceTemplate(descs ...[]byte) []byte {
	var b []byte
	for _, d := range descs {
		b = append(b, d...)
	}
	return amlBufferLit(append(b, 0x79, 0))
}
