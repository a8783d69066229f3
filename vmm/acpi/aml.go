package acpi

import (
	"encoding/binary"
	"fmt"
)

// AML opcodes (§20.2, "AML Grammar Definition") this encoder emits.
const (
	amlZero        = 0x00
	amlOne         = 0x01
	amlName        = 0x08
	amlBytePrefix  = 0x0a
	amlWordPrefix  = 0x0b
	amlDWordPrefix = 0x0c
	amlString      = 0x0d
	amlQWordPrefix = 0x0e
	amlScope       = 0x10
	amlBuffer      = 0x11
	amlPackage     = 0x12
	amlExtPrefix   = 0x5b
	amlDevice      = 0x82 // after amlExtPrefix
	amlRootChar    = '\\'
)

// pkgLength encodes a PkgLength (§20.2.4) for a package whose contents
// after the PkgLength are n bytes; the encoded length counts itself. One
// byte holds up to 63; longer lengths put the byte count-1 in bits 6-7 of
// the lead byte, the low nibble in its bits 0-3 and the rest in following
// bytes.
func pkgLength(n int) []byte {
	for extra := 0; extra <= 3; extra++ {
		total := n + 1 + extra
		if extra == 0 && total <= 0x3f {
			return []byte{byte(total)}
		}
		if extra > 0 && total < 1<<(4+8*extra) {
			b := []byte{byte(extra<<6) | byte(total&0xf)}
			for i := range extra {
				b = append(b, byte(total>>(4+8*i)))
			}
			return b
		}
	}
	panic(fmt.Sprintf("BUG: AML package of %d bytes exceeds PkgLength's 2^28", n))
}

// nameSeg checks and returns a 4-character NameSeg (§20.2.2): a lead
// character A-Z or _, then A-Z, 0-9 or _. Shorter names are padded with _.
func nameSeg(s string) ([]byte, error) {
	if len(s) == 0 || len(s) > 4 {
		return nil, fmt.Errorf("AML name %q: want 1-4 characters", s)
	}
	b := []byte(s + "___"[:4-len(s)])
	for i, c := range b {
		ok := c >= 'A' && c <= 'Z' || c == '_' || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return nil, fmt.Errorf("AML name %q: character %q not allowed at %d", s, c, i)
		}
	}
	return b, nil
}

// mustSeg is nameSeg for names this package spells itself.
func mustSeg(s string) []byte {
	b, err := nameSeg(s)
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return b
}

// amlInteger encodes an integer in the shortest form (§20.2.3 ComputationalData).
func amlInteger(v uint64) []byte {
	switch {
	case v == 0:
		return []byte{amlZero}
	case v == 1:
		return []byte{amlOne}
	case v <= 0xff:
		return []byte{amlBytePrefix, byte(v)}
	case v <= 0xffff:
		return binary.LittleEndian.AppendUint16([]byte{amlWordPrefix}, uint16(v))
	case v <= 0xffffffff:
		return binary.LittleEndian.AppendUint32([]byte{amlDWordPrefix}, uint32(v))
	}
	return binary.LittleEndian.AppendUint64([]byte{amlQWordPrefix}, v)
}

// amlStringLit encodes a NUL-terminated ASCII string (no NUL inside).
func amlStringLit(s string) []byte {
	return append(append([]byte{amlString}, s...), 0)
}

// amlBufferLit encodes Buffer(len(data)){data}.
func amlBufferLit(data []byte) []byte {
	inner := append(amlInteger(uint64(len(data))), data...)
	return append(append([]byte{amlBuffer}, pkgLength(len(inner))...), inner...)
}

// amlPackageLit encodes Package(n){elements}; elements are already encoded.
func amlPackageLit(elements ...[]byte) []byte {
	inner := []byte{byte(len(elements))}
	for _, e := range elements {
		inner = append(inner, e...)
	}
	return append(append([]byte{amlPackage}, pkgLength(len(inner))...), inner...)
}

// amlNameObj encodes Name(seg, value).
func amlNameObj(seg string, value []byte) []byte {
	return append(append([]byte{amlName}, mustSeg(seg)...), value...)
}

// amlScopeObj encodes Scope(path){body}; path is "\\" plus a NameSeg,
// or a NameSeg.
func amlScopeObj(path []byte, body ...[]byte) []byte {
	return amlBlock([]byte{amlScope}, path, body)
}

// amlDeviceObj encodes Device(seg){body}.
func amlDeviceObj(seg string, body ...[]byte) []byte {
	return amlBlock([]byte{amlExtPrefix, amlDevice}, mustSeg(seg), body)
}

func amlBlock(op, name []byte, body [][]byte) []byte {
	inner := append([]byte{}, name...)
	for _, b := range body {
		inner = append(inner, b...)
	}
	return append(append(op, pkgLength(len(inner))...), inner...)
}

// EISAID compresses a 7-character PNP ID such as "PNP0501" into the 32-bit
// EISA ID AML uses for _HID (§6.1.5: three 5-bit letters, four hex digits,
// stored big-endian).
func EISAID(id string) (uint32, error) {
	if len(id) != 7 {
		return 0, fmt.Errorf("EISA ID %q: want 7 characters", id)
	}
	var v uint32
	for _, c := range id[:3] {
		if c < 'A' || c > 'Z' {
			return 0, fmt.Errorf("EISA ID %q: %q is not A-Z", id, c)
		}
		v = v<<5 | uint32(c-'@')
	}
	for _, c := range id[3:] {
		d, ok := hexDigit(byte(c))
		if !ok {
			return 0, fmt.Errorf("EISA ID %q: %q is not a hex digit", id, c)
		}
		v = v<<4 | uint32(d)
	}
	// The 32-bit value is stored byte-swapped: the compressed ID reads
	// big-endian in memory.
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24, nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
