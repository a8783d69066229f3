package acpi

import (
	"encoding/binary"
	"fmt"
)

// RSDP sizes (§5.2.5.3): the ACPI 1.0 part the checksum covers, and the
// whole revision-2 structure the extended checksum covers.
const (
	rsdpV1Size = 20
	RSDPSize   = 36
	// RSDPSignature starts the RSDP.
	RSDPSignature = "RSD PTR "
)

// RSDP returns the revision-2 Root System Description Pointer naming the
// XSDT at xsdt.
func RSDP(xsdt uint64) []byte {
	b := make([]byte, RSDPSize)
	copy(b[0:8], RSDPSignature)
	copy(b[9:15], OEMID[:])
	b[15] = 2 // revision: ACPI 2.0 or later, so the XSDT fields are valid
	binary.LittleEndian.PutUint32(b[20:], RSDPSize)
	binary.LittleEndian.PutUint64(b[24:], xsdt)
	b[8] = Checksum(b[:rsdpV1Size])
	b[32] = Checksum(b)
	return b
}

// ParseRSDP checks an RSDP (signature, revision >= 2, both checksums) and
// returns its XSDT address.
func ParseRSDP(b []byte) (uint64, error) {
	if len(b) < RSDPSize {
		return 0, fmt.Errorf("RSDP: %d bytes, need %d", len(b), RSDPSize)
	}
	if string(b[0:8]) != RSDPSignature {
		return 0, fmt.Errorf("RSDP: signature %q, want %q", b[0:8], RSDPSignature)
	}
	if b[15] < 2 {
		return 0, fmt.Errorf("RSDP: revision %d has no XSDT", b[15])
	}
	if s := sum(b[:rsdpV1Size]); s != 0 {
		return 0, fmt.Errorf("RSDP: first 20 bytes sum to %#x: bad checksum", s)
	}
	if n := binary.LittleEndian.Uint32(b[20:]); n != RSDPSize {
		return 0, fmt.Errorf("RSDP: length %d, want %d", n, RSDPSize)
	}
	if s := sum(b[:RSDPSize]); s != 0 {
		return 0, fmt.Errorf("RSDP: 36 bytes sum to %#x: bad extended checksum", s)
	}
	return binary.LittleEndian.Uint64(b[24:]), nil
}
