package amd64

import (
	"fmt"
	"math/bits"
)

// Memory operands: the ModRM byte, the SIB byte and the displacement.
//
// An instruction names its r/m operand with the ModRM byte (SDM vol. 2A,
// 2.1.3 "ModR/M and SIB Bytes", Table 2-2 "32-Bit Addressing Forms with the
// ModR/M Byte"):
//
//	  7 6   5 4 3   2 1 0
//	 [mod] [ reg ] [ rm  ]
//
// mod=11 makes rm a register. Otherwise rm names a base register and mod
// the displacement that follows: 00 none, 01 a signed byte (disp8), 10 a
// signed 32-bit word (disp32). reg holds the other register operand, or an
// opcode extension (the "/digit" of the opcode tables).
//
// An index register needs the SIB byte, selected by rm=100 (Table 2-3
// "32-Bit Addressing Forms with the SIB Byte"):
//
//	  7 6     5 4 3     2 1 0
//	 [scale] [index ] [ base ]
//
// The address is base + index<<scale + displacement. The steps to encode
// [base + index*scale + disp]:
//
//  1. Pick the shortest displacement: none if it is zero, disp8 if it fits
//     in a signed byte, else disp32 (2.1.4 "Displacement and Immediate
//     Bytes"; 2.2.1.3 "Displacement": still at most 32 bits in 64-bit mode,
//     sign-extended).
//  2. Two rm values are taken, so two bases need special forms:
//     a. RSP and R12 (low bits 100) as rm mean "a SIB byte follows", so they
//     can be a base only through a SIB byte with index=100, "no index".
//     For the same reason RSP can never be an index; R12 can, because
//     REX.X tells it apart.
//     b. RBP and R13 (low bits 101) with mod=00 mean "RIP + disp32" in
//     64-bit mode (and in a SIB byte, "no base + disp32"), so [rbp] is
//     encoded [rbp+0] with a zero disp8.
//  3. The fourth bits of base and index go into REX.B and REX.X (2.2.1.2).
//
// RIP-relative addressing (2.2.1.6 "RIP-Relative Addressing", Table 2-7) is
// mod=00 rm=101 with a disp32 counted from the end of the instruction, that
// is, after any immediate. RIPLabel makes that displacement point at a
// label; Finish patches it.
//
// Not supported: an index without a base ([index*scale + disp32], SIB
// base=101 with mod=00), absolute [disp32] addressing, segment overrides and
// the 32-bit address-size prefix 0x67. Generated code addresses memory
// through 64-bit pointers in registers.

// Mem is a memory operand: [Base + Index*Scale + Disp], or [rip + Disp] when
// made by RIP or RIPLabel. The zero Mem is [rax].
type Mem struct {
	Base  Reg
	Index Reg   // used only when Scale is not 0; never RSP
	Scale uint8 // 0 for no index, else 1, 2, 4 or 8
	Disp  int32

	rip   bool  // RIP-relative: Base, Index and Scale are ignored
	label Label // with rip: the address is label + Disp
}

// RIP is [rip + disp], disp counted from the end of the instruction.
func RIP(disp int32) Mem { return Mem{rip: true, Disp: disp} }

// RIPLabel is the address of l (plus m.Disp if set), reached RIP-relative;
// l may be bound before or after the instruction that uses it.
func RIPLabel(l Label) Mem { return Mem{rip: true, label: l} }

// String is the operand in Intel syntax, as in qword ptr [rdi+8*rcx+16]
// without the size.
func (m Mem) String() string {
	s := "[" + m.Base.String()
	switch {
	case m.rip && m.label != 0:
		s = fmt.Sprintf("[rip+L%d", m.label)
	case m.rip:
		s = "[rip"
	case m.Scale != 0:
		s += fmt.Sprintf("+%d*%s", m.Scale, m.Index)
	}
	if m.Disp != 0 {
		s += fmt.Sprintf("%+d", m.Disp)
	}
	return s + "]"
}

// check says what is wrong with m, or "".
func (m Mem) check(a *Assembler) string {
	switch {
	case m.rip && m.label != 0 && !a.isLabel(m.label):
		return fmt.Sprintf("%s: no such label", m)
	case m.rip:
		return ""
	case !m.Base.valid() || m.Scale != 0 && !m.Index.valid():
		return "no such register in " + m.String()
	case m.Scale != 0 && m.Scale != 1 && m.Scale != 2 && m.Scale != 4 && m.Scale != 8:
		return fmt.Sprintf("scale %d in %s is not 1, 2, 4 or 8", m.Scale, m)
	case m.Scale != 0 && m.Index == RSP:
		return "rsp cannot be an index register"
	}
	return ""
}

// rexXB is the REX.X and REX.B bits that m needs.
func (m Mem) rexXB() byte {
	if m.rip {
		return 0
	}
	b := m.Base.REXBit()
	if m.Scale != 0 {
		b |= m.Index.REXBit() << 1
	}
	return b
}

// modrmMem appends ModRM, SIB and displacement for reg and m. immLen is the
// number of immediate bytes that will follow, which a RIP-relative label
// displacement must count.
func (a *Assembler) modrmMem(reg Reg, m Mem, immLen int) {
	r := reg.Low3() << 3
	if m.rip {
		a.buf = append(a.buf, 0b00_000_101|r)
		if m.label != 0 {
			a.fixups = append(a.fixups, fixup{at: len(a.buf), size: 4, end: len(a.buf) + 4 + immLen, label: m.label, add: m.Disp})
		}
		a.buf = le32(a.buf, uint32(m.Disp))
		return
	}
	var mod byte // step 1, with step 2b
	switch {
	case m.Disp == 0 && m.Base.Low3() != 0b101:
		mod = 0b00
	case int32(int8(m.Disp)) == m.Disp:
		mod = 0b01
	default:
		mod = 0b10
	}
	if m.Scale == 0 && m.Base.Low3() != 0b100 {
		a.buf = append(a.buf, mod<<6|r|m.Base.Low3())
	} else { // step 2a: a SIB byte, with index=100 (none) unless indexed
		index := byte(0b100)
		var scale byte
		if m.Scale != 0 {
			index = m.Index.Low3()
			scale = byte(bits.TrailingZeros8(m.Scale)) // 1, 2, 4, 8 -> 0-3
		}
		a.buf = append(a.buf, mod<<6|r|0b100, scale<<6|index<<3|m.Base.Low3())
	}
	switch mod {
	case 0b01:
		a.buf = append(a.buf, byte(m.Disp))
	case 0b10:
		a.buf = le32(a.buf, uint32(m.Disp))
	}
}

func le32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
