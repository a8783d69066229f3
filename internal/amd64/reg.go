package amd64

// Registers, operand widths and condition codes.
//
// A register is named by four bits. The low three go into the instruction
// itself — ModRM.reg, ModRM.rm, SIB.base, SIB.index, or the low bits of the
// opcode for the "+r" forms — and the fourth goes into the REX prefix
// (REX.R, REX.B, REX.X respectively). Intel SDM vol. 2A, 2.2.1.2 "More on
// REX Prefix Fields" and Table 3-1 "Register Codes Associated With +rb, +rw,
// +rd, +ro".
//
// The width of an operation selects the register's name: RAX is rax, eax,
// ax or al. Two rules make the widths differ in more than the name:
//
//   - Writing a 32-bit register zeroes bits 63:32 of the 64-bit register
//     (SDM vol. 1, 3.4.1.1 "General-Purpose Registers in 64-Bit Mode"); 8-
//     and 16-bit writes leave the upper bits alone. So every W32 operation
//     here is also a zero extension to 64 bits, and the encoder uses that
//     to pick shorter forms (MovRI, MovzxRR).
//   - Byte registers 4-7 are AH, CH, DH, BH without a REX prefix and SPL,
//     BPL, SIL, DIL with any REX prefix, even 0x40 with no bit set. This
//     package never names AH-BH: a byte operand in RSP-RDI always gets a
//     REX prefix.

// Reg is one of the 16 general-purpose registers, numbered as the hardware
// numbers them.
type Reg uint8

// The general-purpose registers.
const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

// Low3 is the register's 3-bit number, as it appears in ModRM, SIB or a
// "+r" opcode.
func (r Reg) Low3() byte { return byte(r) & 7 }

// REXBit is the register's fourth bit, carried by REX.R, REX.X or REX.B.
func (r Reg) REXBit() byte { return byte(r) >> 3 & 1 }

// byteNeedsREX reports whether r, used as a byte register, needs a REX
// prefix to mean SPL, BPL, SIL or DIL rather than AH, CH, DH or BH.
func (r Reg) byteNeedsREX() bool { return r >= RSP && r <= RDI }

func (r Reg) valid() bool { return r <= R15 }

var regNames = [4][16]string{
	{"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"},
	{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"},
	{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"},
	{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"},
}

// String is the register's 64-bit name.
func (r Reg) String() string { return r.Name(W64) }

// Name is the register's name at width w, as GNU as and Intel write it.
func (r Reg) Name(w Width) string {
	if !r.valid() || !w.valid() {
		return "badreg"
	}
	return regNames[w.log2()][r]
}

// Width is an operand size in bytes. The four values are distinct bits, so
// a set of widths is their OR.
type Width uint8

// The operand widths.
const (
	W8  Width = 1
	W16 Width = 2
	W32 Width = 4
	W64 Width = 8
)

func (w Width) valid() bool { return w == W8 || w == W16 || w == W32 || w == W64 }

func (w Width) log2() int {
	switch w {
	case W8:
		return 0
	case W16:
		return 1
	case W32:
		return 2
	}
	return 3
}

// Bits is the width in bits.
func (w Width) Bits() int { return int(w) * 8 }

// Cond is a condition code: the 4-bit "tttn" field of Jcc (0F 80+cc,
// 70+cc), SETcc (0F 90+cc) and CMOVcc (0F 40+cc). Bit 0 negates the
// condition, so Invert flips it. SDM vol. 2D, B.1.4.7 "Condition Test
// (tttn) Field".
type Cond uint8

// The condition codes, with the flags each tests. B/AE/BE/A compare
// unsigned, L/GE/LE/G signed.
const (
	O  Cond = iota // overflow: OF=1
	NO             // OF=0
	B              // below: CF=1
	AE             // above or equal: CF=0
	E              // equal: ZF=1
	NE             // ZF=0
	BE             // below or equal: CF=1 or ZF=1
	A              // above: CF=0 and ZF=0
	S              // sign: SF=1
	NS             // SF=0
	P              // parity even: PF=1
	NP             // PF=0
	L              // less: SF!=OF
	GE             // SF=OF
	LE             // ZF=1 or SF!=OF
	G              // ZF=0 and SF=OF
)

// Aliases of the same encodings.
const (
	C  = B  // carry
	NC = AE // no carry
	Z  = E  // zero
	NZ = NE // not zero
)

// Invert is the condition that holds exactly when c does not.
func (c Cond) Invert() Cond { return c ^ 1 }

var condNames = [16]string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"}

// String is the condition's suffix as in "jae".
func (c Cond) String() string {
	if c > G {
		return "badcond"
	}
	return condNames[c]
}
