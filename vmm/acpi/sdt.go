package acpi

import (
	"encoding/binary"
	"fmt"
)

// HeaderSize is the size of the system description table header (§5.2.6).
const HeaderSize = 36

// Identity of the tables' creator, in every header.
var (
	OEMID      = [6]byte{'D', 'E', 'E', 'P', 'S', 'Y'}
	OEMTableID = [8]byte{'D', 'E', 'E', 'P', 'S', 'Y', 'S', 'V'}
	CreatorID  = [4]byte{'D', 'P', 'S', 'Y'}
)

const (
	oemRevision     = 1
	creatorRevision = 1
)

// sdt returns a table: the header for signature and revision, then body,
// with length and checksum filled in.
func sdt(signature string, revision uint8, body []byte) []byte {
	b := make([]byte, HeaderSize+len(body))
	copy(b[0:4], signature)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)))
	b[8] = revision
	copy(b[10:16], OEMID[:])
	copy(b[16:24], OEMTableID[:])
	binary.LittleEndian.PutUint32(b[24:], oemRevision)
	copy(b[28:32], CreatorID[:])
	binary.LittleEndian.PutUint32(b[32:], creatorRevision)
	copy(b[HeaderSize:], body)
	b[9] = Checksum(b)
	return b
}

// Checksum returns the byte that, added to b's bytes, makes them sum to
// zero mod 256 (§5.2.6 "Checksum"). Computed with the checksum byte itself
// zero; a table whose checksum is right has sum(b) == 0.
func Checksum(b []byte) byte {
	var s byte
	for _, c := range b {
		s += c
	}
	return -s
}

// sum is the byte sum of b mod 256; zero for a table with a right checksum.
func sum(b []byte) byte { return -Checksum(b) }

// Header is a decoded system description table header.
type Header struct {
	Signature string
	Length    uint32
	Revision  uint8
	OEMID     string
}

// ParseHeader decodes and checks the table at the start of b: its length
// fits in b and covers the header, and its checksum is right.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, fmt.Errorf("table header: %d bytes, need %d", len(b), HeaderSize)
	}
	h := Header{Signature: string(b[0:4]), Length: binary.LittleEndian.Uint32(b[4:]), Revision: b[8], OEMID: string(b[10:16])}
	if h.Length < HeaderSize || uint64(h.Length) > uint64(len(b)) {
		return h, fmt.Errorf("table %q: length %d outside [%d, %d]", h.Signature, h.Length, HeaderSize, len(b))
	}
	if s := sum(b[:h.Length]); s != 0 {
		return h, fmt.Errorf("table %q: bytes sum to %#x, not 0: bad checksum", h.Signature, s)
	}
	return h, nil
}
