package ebpf

// The opcode byte of RFC 9669 §3 ("Instruction encoding"). Its low three
// bits are the instruction class; the rest depends on the class:
//
//	arithmetic and jumps:  | op (4 bits) | source (1 bit) | class (3 bits) |
//	loads and stores:      | mode (3 bits) | size (2 bits) | class (3 bits) |

// Class is the low three bits of the opcode (RFC 9669 §3.3).
type Class uint8

// Instruction classes.
const (
	ClassLD    Class = 0x00 // non-standard loads: the 64-bit immediate, legacy packet access
	ClassLDX   Class = 0x01 // load from memory into a register
	ClassST    Class = 0x02 // store an immediate to memory
	ClassSTX   Class = 0x03 // store a register to memory; atomics
	ClassALU   Class = 0x04 // 32-bit arithmetic
	ClassJMP   Class = 0x05 // 64-bit jumps, call, exit
	ClassJMP32 Class = 0x06 // 32-bit jumps
	ClassALU64 Class = 0x07 // 64-bit arithmetic
)

const classMask = 0x07

// IsALU reports whether c is ALU or ALU64.
func (c Class) IsALU() bool { return c == ClassALU || c == ClassALU64 }

// IsJump reports whether c is JMP or JMP32.
func (c Class) IsJump() bool { return c == ClassJMP || c == ClassJMP32 }

// IsLoadStore reports whether c is one of the four memory classes.
func (c Class) IsLoadStore() bool { return c <= ClassSTX }

// Source is bit 3 of an arithmetic or jump opcode: the second operand is the
// immediate (K) or the source register (X). For the END operation it selects
// the byte order instead (RFC 9669 §4.2).
type Source uint8

// Operand sources.
const (
	SourceK Source = 0x00 // use the 32-bit immediate
	SourceX Source = 0x08 // use the source register
)

const sourceMask = 0x08

// Byte orders of the END operation (the Source bit's meaning there).
const (
	ToLE Source = 0x00 // convert to little-endian (truncates on this host)
	ToBE Source = 0x08 // convert to big-endian (swaps on this host)
)

// ALUOp is the high four bits of an ALU or ALU64 opcode (RFC 9669 §4.1).
type ALUOp uint8

// Arithmetic operations. Offset refines DIV, MOD (1 = signed) and MOV (8,
// 16, 32 = sign-extending move, "movsx"), per RFC 9669 §4.1.
const (
	ALUAdd  ALUOp = 0x00
	ALUSub  ALUOp = 0x10
	ALUMul  ALUOp = 0x20
	ALUDiv  ALUOp = 0x30
	ALUOr   ALUOp = 0x40
	ALUAnd  ALUOp = 0x50
	ALULsh  ALUOp = 0x60
	ALURsh  ALUOp = 0x70
	ALUNeg  ALUOp = 0x80
	ALUMod  ALUOp = 0x90
	ALUXor  ALUOp = 0xa0
	ALUMov  ALUOp = 0xb0
	ALUArsh ALUOp = 0xc0
	ALUEnd  ALUOp = 0xd0 // byte swap: imm is the width 16, 32 or 64
)

const opMask = 0xf0

// JumpOp is the high four bits of a JMP or JMP32 opcode (RFC 9669 §4.3).
type JumpOp uint8

// Jump operations.
const (
	JumpA    JumpOp = 0x00 // goto +off; in JMP32, "gotol" +imm
	JumpEq   JumpOp = 0x10
	JumpGT   JumpOp = 0x20 // unsigned >
	JumpGE   JumpOp = 0x30 // unsigned >=
	JumpSet  JumpOp = 0x40 // dst & src != 0
	JumpNE   JumpOp = 0x50
	JumpSGT  JumpOp = 0x60 // signed >
	JumpSGE  JumpOp = 0x70 // signed >=
	JumpCall JumpOp = 0x80 // call helper imm (src 0), local function +imm (src 1), kfunc (src 2)
	JumpExit JumpOp = 0x90
	JumpLT   JumpOp = 0xa0 // unsigned <
	JumpLE   JumpOp = 0xb0 // unsigned <=
	JumpSLT  JumpOp = 0xc0 // signed <
	JumpSLE  JumpOp = 0xd0 // signed <=
)

// Mode is the high three bits of a load or store opcode (RFC 9669 §5).
type Mode uint8

// Load and store modes.
const (
	ModeIMM    Mode = 0x00 // 64-bit immediate (LD class, DW size only)
	ModeABS    Mode = 0x20 // legacy packet access at an absolute offset
	ModeIND    Mode = 0x40 // legacy packet access at a register offset
	ModeMEM    Mode = 0x60 // regular load and store
	ModeMEMSX  Mode = 0x80 // sign-extending load
	ModeATOMIC Mode = 0xc0 // atomic operation (STX class); imm says which
)

const modeMask = 0xe0

// Size is bits 3-4 of a load or store opcode.
type Size uint8

// Access sizes.
const (
	SizeW  Size = 0x00 // 4 bytes
	SizeH  Size = 0x08 // 2 bytes
	SizeB  Size = 0x10 // 1 byte
	SizeDW Size = 0x18 // 8 bytes
)

const sizeMask = 0x18

// Bytes is the width of an access of size s.
func (s Size) Bytes() int {
	switch s {
	case SizeB:
		return 1
	case SizeH:
		return 2
	case SizeW:
		return 4
	}
	return 8
}

// AtomicOp is the immediate of an ATOMIC-mode store (RFC 9669 §5.3).
type AtomicOp int32

// Atomic operations. Fetch may be or-ed into Add, Or, And and Xor; Xchg
// and CmpXchg always fetch.
const (
	AtomicAdd     AtomicOp = 0x00
	AtomicOr      AtomicOp = 0x40
	AtomicAnd     AtomicOp = 0x50
	AtomicXor     AtomicOp = 0xa0
	AtomicFetch   AtomicOp = 0x01
	AtomicXchg    AtomicOp = 0xe0 | AtomicFetch
	AtomicCmpXchg AtomicOp = 0xf0 | AtomicFetch
)

// Pseudo source registers of the 64-bit immediate load (RFC 9669 §5.4) and
// of calls (§4.3.1): they say what the immediate means.
const (
	PseudoImm64       = 0 // the immediate itself
	PseudoMapFD       = 1 // address of the map with this file descriptor
	PseudoMapValue    = 2 // address of a map value: map fd + offset in next imm
	PseudoVarAddr     = 3 // address of a platform variable
	PseudoCodeAddr    = 4 // address of the instruction at pc + imm
	PseudoMapIdx      = 5 // address of the map at this index
	PseudoMapIdxValue = 6 // map value by map index + offset
	PseudoCallHelper  = 0 // call: imm is a helper id
	PseudoCallLocal   = 1 // call: imm is the pc-relative offset of a function
	PseudoCallKfunc   = 2 // call: imm is a BTF id of a kernel function
)

// OpLDDW is the opcode of the 64-bit immediate load, the one instruction
// that takes two 8-byte slots.
const OpLDDW = uint8(ClassLD) | uint8(ModeIMM) | uint8(SizeDW)

// Registers: r0 holds return values, r1-r5 arguments, r6-r9 are callee
// saved, r10 is the read-only frame pointer.
const (
	R0 = iota
	R1
	R2
	R3
	R4
	R5
	R6
	R7
	R8
	R9
	R10
	// NumRegisters counts r0-r10.
	NumRegisters
)

// StackSize is the bytes of stack below r10 a program may use.
const StackSize = 512
