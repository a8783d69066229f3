package interp

// Division, modulo and byte order, RFC 9669 §4.1 and §4.2. Division by zero
// yields 0; modulo by zero leaves dst, truncated to 32 bits in ALU (the
// upper half is zeroed as by every ALU operation). Signed forms use
// truncated division (-13 s% 3 == -1), which is Go's; the overflowing
// INT_MIN s/ -1 is INT_MIN and INT_MIN s% -1 is 0: Go defines exactly this,
// the conformance suite expects it (sdiv32-intmin-by-negone-*), and the
// kernel's instruction-set document lists the same results since the 2025
// fix of the kernel's own sdiv/smod by -1.

import "math/bits"

func div64(dst, src uint64) uint64 {
	if src == 0 {
		return 0
	}
	return dst / src
}

func sdiv64(dst, src uint64) uint64 {
	if src == 0 {
		return 0
	}
	return uint64(int64(dst) / int64(src))
}

func mod64(dst, src uint64) uint64 {
	if src == 0 {
		return dst
	}
	return dst % src
}

func smod64(dst, src uint64) uint64 {
	if src == 0 {
		return dst
	}
	return uint64(int64(dst) % int64(src))
}

func div32(dst, src uint64) uint64 {
	if uint32(src) == 0 {
		return 0
	}
	return uint64(uint32(dst) / uint32(src))
}

func sdiv32(dst, src uint64) uint64 {
	if uint32(src) == 0 {
		return 0
	}
	return uint64(uint32(int32(dst) / int32(src)))
}

func mod32(dst, src uint64) uint64 {
	if uint32(src) == 0 {
		return uint64(uint32(dst))
	}
	return uint64(uint32(dst) % uint32(src))
}

func smod32(dst, src uint64) uint64 {
	if uint32(src) == 0 {
		return uint64(uint32(dst))
	}
	return uint64(uint32(int32(dst) % int32(src)))
}

// byteOrder applies END or bswap: to little-endian truncates to the width
// on this little-endian machine; to big-endian and bswap reverse the bytes
// of the low width bits, zeroing the rest.
func byteOrder(o op, v uint64) uint64 {
	switch o {
	case opLE16:
		return uint64(uint16(v))
	case opLE32:
		return uint64(uint32(v))
	case opLE64:
		return v
	case opBswap16:
		return uint64(bits.ReverseBytes16(uint16(v)))
	case opBswap32:
		return uint64(bits.ReverseBytes32(uint32(v)))
	}
	return bits.ReverseBytes64(v)
}
