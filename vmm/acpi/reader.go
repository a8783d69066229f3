package acpi

import (
	"encoding/binary"
	"fmt"
)

// Parsed is what Read found in guest memory.
type Parsed struct {
	XSDT   []uint64
	Tables map[string][]byte // by signature, each checked
	FADT   FADTInfo
	MADT   *MADTInfo
	DSDT   []byte // the whole table, header included
}

// FADTInfo is the part of the FADT a hardware-reduced guest reads.
type FADTInfo struct {
	Flags    uint32
	IAPCBoot uint16
	XDSDT    uint64
}

// maxTables bounds the XSDT's entries: a real one has a dozen.
const maxTables = 64

// Read walks the tables from the RSDP at rsdp in guest memory mem the way
// an OS does (RSDP -> XSDT -> each table; FADT -> DSDT), checking every
// signature, length and checksum, and decodes FADT and MADT. Any address
// outside mem is an error naming it.
func Read(mem []byte, rsdp uint64) (*Parsed, error) {
	b, err := at(mem, "RSDP", rsdp, RSDPSize)
	if err != nil {
		return nil, err
	}
	xsdtAddr, err := ParseRSDP(b)
	if err != nil {
		return nil, err
	}
	p := &Parsed{Tables: map[string][]byte{}}
	xsdt, err := table(mem, "XSDT", xsdtAddr)
	if err != nil {
		return nil, err
	}
	if p.XSDT, err = parseXSDT(xsdt); err != nil {
		return nil, err
	}
	if len(p.XSDT) > maxTables {
		return nil, fmt.Errorf("XSDT: %d entries, at most %d", len(p.XSDT), maxTables)
	}
	for i, a := range p.XSDT {
		t, err := table(mem, fmt.Sprintf("XSDT entry %d", i), a)
		if err != nil {
			return nil, err
		}
		p.Tables[string(t[:4])] = t
	}
	return p, p.decode(mem)
}

// decode reads FADT -> DSDT and the MADT, which every guest needs.
func (p *Parsed) decode(mem []byte) error {
	fadt, ok := p.Tables["FACP"]
	if !ok {
		return fmt.Errorf("XSDT lists no FADT (FACP)")
	}
	if len(fadt) < fadtOffXDSDT+8 {
		return fmt.Errorf("FADT: %d bytes, too short for X_DSDT at %d", len(fadt), fadtOffXDSDT)
	}
	le := binary.LittleEndian
	p.FADT = FADTInfo{Flags: le.Uint32(fadt[fadtOffFlags:]), IAPCBoot: le.Uint16(fadt[fadtOffIAPCBoot:]), XDSDT: le.Uint64(fadt[fadtOffXDSDT:])}
	dsdt, err := table(mem, "FADT X_DSDT", p.FADT.XDSDT)
	if err != nil {
		return err
	}
	if string(dsdt[:4]) != "DSDT" {
		return fmt.Errorf("FADT X_DSDT %#x points at %q, not a DSDT", p.FADT.XDSDT, dsdt[:4])
	}
	p.DSDT = dsdt
	madt, ok := p.Tables["APIC"]
	if !ok {
		return fmt.Errorf("XSDT lists no MADT (APIC)")
	}
	p.MADT, err = parseMADT(madt)
	return err
}

// table returns the checked table at guest address addr.
func table(mem []byte, what string, addr uint64) ([]byte, error) {
	b, err := at(mem, what, addr, HeaderSize)
	if err != nil {
		return nil, err
	}
	n := uint64(binary.LittleEndian.Uint32(b[4:]))
	if b, err = at(mem, what, addr, max(n, HeaderSize)); err != nil {
		return nil, err
	}
	h, err := ParseHeader(b)
	if err != nil {
		return nil, fmt.Errorf("%s at %#x: %w", what, addr, err)
	}
	return b[:h.Length], nil
}

// at returns mem[addr:addr+n] or an error naming what lies outside.
func at(mem []byte, what string, addr, n uint64) ([]byte, error) {
	if addr+n < addr || addr+n > uint64(len(mem)) {
		return nil, fmt.Errorf("%s at [%#x, +%#x) lies outside guest memory of %#x bytes", what, addr, n, len(mem))
	}
	return mem[addr : addr+n], nil
}
