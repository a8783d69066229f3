package acpi

import "fmt"

// Config describes the machine the tables describe.
type Config struct {
	CPUs   int
	Virtio []VirtioMMIO
}

// Tables is a generated set of tables laid out from one guest address.
type Tables struct {
	RSDPAddr uint64 // what boot_params.acpi_rsdp_addr / hvm_start_info.rsdp_paddr get
	Bytes    []byte // everything, to be copied to the base address
	Base     uint64
}

// tableAlign keeps each table 16-byte aligned, as the RSDP must be (and
// Linux's scan of 0xE0000-0xFFFFF expects).
const tableAlign = 16

// Build lays out RSDP, XSDT, FADT, MADT and DSDT from guest address base
// in that order, each pointing at the next by its guest address.
func Build(base uint64, c Config) (*Tables, error) {
	if base%tableAlign != 0 {
		return nil, fmt.Errorf("ACPI tables at %#x: not %d-byte aligned", base, tableAlign)
	}
	dsdt, err := DSDT(c.Virtio)
	if err != nil {
		return nil, err
	}
	madt, err := MADT(MADTConfig{CPUs: c.CPUs, Overrides: []InterruptOverride{{Source: 0, GSI: 2}}})
	if err != nil {
		return nil, err
	}
	// Offsets: RSDP, then XSDT (two entries), FADT, MADT, DSDT.
	xsdtOff := alignUp(RSDPSize)
	fadtOff := alignUp(xsdtOff + HeaderSize + 16)
	madtOff := alignUp(fadtOff + fadtSize)
	dsdtOff := alignUp(madtOff + uint64(len(madt)))
	end := dsdtOff + uint64(len(dsdt))
	if base+end < base || base+end > 1<<32 {
		return nil, fmt.Errorf("ACPI tables [%#x, +%#x) must lie below 4 GiB", base, end)
	}
	b := make([]byte, end)
	copy(b, RSDP(base+xsdtOff))
	copy(b[xsdtOff:], XSDT(base+fadtOff, base+madtOff))
	copy(b[fadtOff:], FADT(base+dsdtOff))
	copy(b[madtOff:], madt)
	copy(b[dsdtOff:], dsdt)
	return &Tables{RSDPAddr: base, Bytes: b, Base: base}, nil
}

func alignUp(n uint64) uint64 { return (n + tableAlign - 1) &^ (tableAlign - 1) }
