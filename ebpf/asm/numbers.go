package asm

// Number ranges. An instruction's immediate is 32 bits and its offset 16,
// both signed; the text may write them two ways, as bpf_conformance's
// assembler accepts them:
//
//   - hexadecimal without a minus sign is a bit pattern: 0xffffffff is the
//     immediate -1, 0xffff (or +0xffff, "[%r1+0xffff]") the offset -1;
//     0x100000000 does not fit;
//   - decimal, or with a minus sign, is a signed value: 2147483648 does not
//     fit an immediate, -2147483648 does; -0x8 is -8.
//
// A number out of range is an error, never truncated: the negative tests
// invalid_imm32_dec_range, invalid_imm32_hex_range and invalid_offset_range
// of bpf_conformance require it. lddw's immediate is 64 bits and also
// accepts unsigned decimal up to 2^64-1.

import (
	"fmt"
	"math"
)

// fit converts n to a signed value of the given bit width.
func (n number) fit(bits uint) (int64, error) {
	maxUnsigned := uint64(1)<<bits - 1
	minMag := uint64(1) << (bits - 1) // magnitude of the most negative value
	switch {
	case n.neg && n.mag <= minMag:
		return -int64(n.mag), nil
	case !n.neg && n.hex && n.mag <= maxUnsigned:
		return signExtend(n.mag, bits), nil
	case !n.neg && !n.hex && n.mag < minMag:
		return int64(n.mag), nil
	}
	return 0, fmt.Errorf("%s does not fit in %d bits", n.text, bits)
}

func signExtend(v uint64, bits uint) int64 {
	shift := 64 - bits
	return int64(v<<shift) >> shift
}

// imm32 is n as an instruction immediate.
func (n number) imm32() (int32, error) {
	v, err := n.fit(32)
	if err != nil {
		return 0, fmt.Errorf("immediate out of 32-bit range: %w", err)
	}
	return int32(v), nil
}

// off16 is n as an instruction offset.
func (n number) off16() (int16, error) {
	v, err := n.fit(16)
	if err != nil {
		return 0, fmt.Errorf("offset out of 16-bit range: %w", err)
	}
	return int16(v), nil
}

// imm64 is n as lddw's immediate: any 64-bit pattern, or a signed value.
func (n number) imm64() (int64, error) {
	switch {
	case !n.neg:
		return int64(n.mag), nil
	case n.mag <= uint64(math.MaxInt64)+1:
		return -int64(n.mag), nil
	}
	return 0, fmt.Errorf("immediate out of 64-bit range: %s does not fit in 64 bits", n.text)
}
