package acpi

import (
	"encoding/binary"
	"fmt"
)

// MADT interrupt controller structure types (§5.2.12, Table 5.21).
const (
	MADTLocalAPIC         = 0
	MADTIOAPIC            = 1
	MADTInterruptOverride = 2
)

// Addresses of the x86 interrupt controllers, as on every PC and in KVM's
// in-kernel irqchip.
const (
	LocalAPICAddr = 0xfee00000
	IOAPICAddr    = 0xfec00000
	lapicEnabled  = 1 // Local APIC flags: Enabled (§5.2.12.2 Table 5.23)
)

// InterruptOverride maps an ISA IRQ to a global system interrupt (§5.2.12.5).
type InterruptOverride struct {
	Source uint8  // ISA IRQ
	GSI    uint32 // global system interrupt it arrives on
	Flags  uint16 // MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3
}

// MADTConfig describes the interrupt controllers.
type MADTConfig struct {
	CPUs      int // one Processor Local APIC each, APIC IDs 0..CPUs-1
	IOAPICID  uint8
	Overrides []InterruptOverride
}

// MaxCPUs is the most vCPUs an xAPIC MADT can name: APIC IDs are one byte
// and 0xff is the broadcast ID.
const MaxCPUs = 255

// MADT returns the Multiple APIC Description Table.
func MADT(c MADTConfig) ([]byte, error) {
	if c.CPUs < 1 || c.CPUs > MaxCPUs {
		return nil, fmt.Errorf("MADT: %d CPUs, want 1..%d", c.CPUs, MaxCPUs)
	}
	le := binary.LittleEndian
	b := le.AppendUint32(nil, LocalAPICAddr)
	b = le.AppendUint32(b, 0) // no 8259s: KVM's PIC stays masked
	for i := range c.CPUs {
		b = append(b, MADTLocalAPIC, 8, uint8(i), uint8(i))
		b = le.AppendUint32(b, lapicEnabled)
	}
	b = append(b, MADTIOAPIC, 12, c.IOAPICID, 0)
	b = le.AppendUint32(b, IOAPICAddr)
	b = le.AppendUint32(b, 0) // GSI base
	for _, o := range c.Overrides {
		b = append(b, MADTInterruptOverride, 10, 0, o.Source) // bus 0: ISA
		b = le.AppendUint32(b, o.GSI)
		b = le.AppendUint16(b, o.Flags)
	}
	return sdt("APIC", 6, b), nil
}

// MADTEntry is one decoded interrupt controller structure.
type MADTEntry struct {
	Type   uint8
	Offset int    // in the table, for error messages
	Data   []byte // the structure, type and length bytes included
}

// MADTInfo is a decoded MADT.
type MADTInfo struct {
	LocalAPICAddr uint32
	Flags         uint32
	LocalAPICs    []uint8 // APIC IDs of the enabled processors
	IOAPICs       []uint32
	Overrides     []InterruptOverride
	Entries       []MADTEntry
}

// parseMADT decodes a checked MADT's structures; each must have a length
// of at least 2 that stays inside the table and fits its type.
func parseMADT(b []byte) (*MADTInfo, error) {
	if len(b) < HeaderSize+8 {
		return nil, fmt.Errorf("MADT: %d bytes, need %d", len(b), HeaderSize+8)
	}
	le := binary.LittleEndian
	m := &MADTInfo{LocalAPICAddr: le.Uint32(b[HeaderSize:]), Flags: le.Uint32(b[HeaderSize+4:])}
	for off := HeaderSize + 8; off < len(b); {
		if len(b)-off < 2 || b[off+1] < 2 || int(b[off+1]) > len(b)-off {
			return nil, fmt.Errorf("MADT: structure at offset %d runs past the table's %d bytes or has length < 2", off, len(b))
		}
		e := MADTEntry{Type: b[off], Offset: off, Data: b[off : off+int(b[off+1])]}
		if err := m.add(e); err != nil {
			return nil, err
		}
		off += len(e.Data)
	}
	return m, nil
}

// minLen is the length each known structure type must have at least.
var minLen = map[uint8]int{MADTLocalAPIC: 8, MADTIOAPIC: 12, MADTInterruptOverride: 10}

func (m *MADTInfo) add(e MADTEntry) error {
	m.Entries = append(m.Entries, e)
	if n, ok := minLen[e.Type]; ok && len(e.Data) < n {
		return fmt.Errorf("MADT: type %d structure at offset %d is %d bytes, want %d", e.Type, e.Offset, len(e.Data), n)
	}
	le := binary.LittleEndian
	switch e.Type {
	case MADTLocalAPIC:
		if le.Uint32(e.Data[4:])&lapicEnabled != 0 {
			m.LocalAPICs = append(m.LocalAPICs, e.Data[3])
		}
	case MADTIOAPIC:
		m.IOAPICs = append(m.IOAPICs, le.Uint32(e.Data[4:]))
	case MADTInterruptOverride:
		m.Overrides = append(m.Overrides, InterruptOverride{Source: e.Data[3], GSI: le.Uint32(e.Data[4:]), Flags: le.Uint16(e.Data[8:])})
	}
	return nil
}
