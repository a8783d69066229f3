package acpi

import (
	"encoding/binary"
	"fmt"
)

// XSDT returns the Extended System Description Table (§5.2.8) listing the
// tables at addrs.
func XSDT(addrs ...uint64) []byte {
	body := make([]byte, 8*len(addrs))
	for i, a := range addrs {
		binary.LittleEndian.PutUint64(body[8*i:], a)
	}
	return sdt("XSDT", 1, body)
}

// parseXSDT returns the table addresses of a checked XSDT.
func parseXSDT(b []byte) ([]uint64, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return nil, err
	}
	if h.Signature != "XSDT" {
		return nil, fmt.Errorf("RSDP's XsdtAddress points at %q, not an XSDT", h.Signature)
	}
	body := b[HeaderSize:h.Length]
	if len(body)%8 != 0 {
		return nil, fmt.Errorf("XSDT: %d bytes of entries, not a multiple of 8", len(body))
	}
	addrs := make([]uint64, len(body)/8)
	for i := range addrs {
		addrs[i] = binary.LittleEndian.Uint64(body[8*i:])
	}
	return addrs, nil
}
