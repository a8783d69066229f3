package ebpf

// Field checks of Validate, one function per instruction class (steps 2-5
// of validate.go). Each returns why an instruction is not defined, or "".

import "fmt"

// first returns the first non-empty reason.
func first(reasons ...string) string {
	for _, r := range reasons {
		if r != "" {
			return r
		}
	}
	return ""
}

// zero says why field name must be 0, or "".
func zero[T int16 | int32 | uint8](name string, v T) string {
	if v != 0 {
		return fmt.Sprintf("%s is unused and must be 0, got %d", name, v)
	}
	return ""
}

func readReg(name string, r uint8) string {
	if r > R10 {
		return fmt.Sprintf("%s register r%d does not exist (r0-r10)", name, r)
	}
	return ""
}

func writeReg(name string, r uint8) string {
	if r == R10 {
		return name + " register r10 is the read-only frame pointer"
	}
	return readReg(name, r)
}

func isK(ins Instruction) string {
	if ins.Source() != SourceK {
		return "only the immediate form (source bit 0) is defined"
	}
	return ""
}

// operand checks the source operand: src for X, imm for K.
func operand(ins Instruction) string {
	if ins.Source() == SourceK {
		return zero("src", ins.Src)
	}
	return first(zero("imm", ins.Imm), readReg("src", ins.Src))
}

// offsetIn says why offset is not one of allowed, or "".
func offsetIn(ins Instruction, meaning string, allowed ...int16) string {
	for _, a := range allowed {
		if ins.Offset == a {
			return ""
		}
	}
	return fmt.Sprintf("offset must be %s, got %d", meaning, ins.Offset)
}

func checkALU(ins Instruction) string {
	if why := writeReg("dst", ins.Dst); why != "" {
		return why
	}
	switch ins.ALUOp() {
	case ALUNeg:
		return first(isK(ins), zero("src", ins.Src), zero("offset", ins.Offset), zero("imm", ins.Imm))
	case ALUEnd:
		return checkEnd(ins)
	case ALUMov:
		return first(checkMovOffset(ins), operand(ins))
	case ALUDiv, ALUMod:
		return first(offsetIn(ins, "0 (unsigned) or 1 (signed)", 0, 1), operand(ins))
	case 0xe0, 0xf0:
		return "undefined arithmetic operation"
	}
	return first(zero("offset", ins.Offset), operand(ins))
}

// checkMovOffset: offset 8, 16 or 32 makes MOV a sign-extending MOVSX,
// register form only, and 32 only in ALU64 (RFC 9669 §4.1).
func checkMovOffset(ins Instruction) string {
	switch {
	case ins.Source() == SourceK:
		return zero("offset", ins.Offset)
	case ins.Class() == ClassALU:
		return offsetIn(ins, "0 (mov) or 8, 16 (movsx)", 0, 8, 16)
	}
	return offsetIn(ins, "0 (mov) or 8, 16, 32 (movsx)", 0, 8, 16, 32)
}

// checkEnd: imm is the width; the source bit picks the byte order in ALU
// and is reserved in ALU64, where END is an unconditional bswap (§4.2).
func checkEnd(ins Instruction) string {
	if ins.Class() == ClassALU64 && ins.Source() != SourceK {
		return "the source bit is reserved in alu64 (bswap) and must be 0"
	}
	if ins.Imm != 16 && ins.Imm != 32 && ins.Imm != 64 {
		return fmt.Sprintf("imm is the width and must be 16, 32 or 64, got %d", ins.Imm)
	}
	return first(zero("src", ins.Src), zero("offset", ins.Offset))
}

func checkJump(ins Instruction) string {
	jmp32 := ins.Class() == ClassJMP32
	switch ins.JumpOp() {
	case JumpA:
		if jmp32 { // gotol: the target is in imm
			return first(isK(ins), zero("dst", ins.Dst), zero("src", ins.Src), zero("offset", ins.Offset))
		}
		return first(isK(ins), zero("dst", ins.Dst), zero("src", ins.Src), zero("imm", ins.Imm))
	case JumpCall, JumpExit:
		if jmp32 {
			return "undefined jump operation: call and exit exist only in class jmp"
		}
		if ins.JumpOp() == JumpExit {
			return first(isK(ins), zero("dst", ins.Dst), zero("src", ins.Src), zero("offset", ins.Offset), zero("imm", ins.Imm))
		}
		return checkCall(ins)
	case 0xe0, 0xf0:
		return "undefined jump operation"
	}
	return first(readReg("dst", ins.Dst), operand(ins))
}

func checkCall(ins Instruction) string {
	if why := first(isK(ins), zero("dst", ins.Dst), zero("offset", ins.Offset)); why != "" {
		return why
	}
	switch ins.Src {
	case PseudoCallHelper, PseudoCallLocal:
		return ""
	case PseudoCallKfunc:
		return "calls of kernel functions by BTF id (src 2) are not supported"
	}
	return fmt.Sprintf("src %d is not a kind of call (0 helper, 1 local function, 2 kernel function)", ins.Src)
}

func checkLD(ins Instruction) string {
	switch ins.Mode() {
	case ModeIMM:
		if ins.Size() != SizeDW {
			return "undefined: the 64-bit immediate load has size dw only"
		}
		return checkLDDW(ins)
	case ModeABS, ModeIND:
		return checkLegacy(ins)
	}
	return "undefined load mode for class ld"
}

var pseudoNames = map[uint8]string{
	PseudoMapFD: "map by fd", PseudoMapValue: "map value by fd", PseudoVarAddr: "platform variable",
	PseudoCodeAddr: "code address", PseudoMapIdx: "map by index", PseudoMapIdxValue: "map value by index",
}

func checkLDDW(ins Instruction) string {
	if name, ok := pseudoNames[ins.Src]; ok {
		return fmt.Sprintf("src %d (%s) must be resolved by the ELF loader into a constant (src 0) before validation", ins.Src, name)
	}
	if ins.Imm != int32(ins.Imm64) {
		return fmt.Sprintf("imm %#x is not the low half of imm64 %#x", uint32(ins.Imm), uint64(ins.Imm64))
	}
	return first(zero("src", ins.Src), zero("offset", ins.Offset), writeReg("dst", ins.Dst))
}

// checkLegacy: RFC 9669 §5.5 — sizes w, h, b; dst and offset zero; src
// zero for ABS, the index register for IND.
func checkLegacy(ins Instruction) string {
	if ins.Size() == SizeDW {
		return "undefined: legacy packet loads have sizes w, h and b only"
	}
	if ins.Mode() == ModeABS {
		return first(zero("dst", ins.Dst), zero("offset", ins.Offset), zero("src", ins.Src))
	}
	return first(zero("dst", ins.Dst), zero("offset", ins.Offset), readReg("src", ins.Src))
}

func checkLDX(ins Instruction) string {
	switch ins.Mode() {
	case ModeMEMSX:
		if ins.Size() == SizeDW {
			return "undefined: sign-extending loads have sizes w, h and b only"
		}
	case ModeMEM:
	default:
		return "undefined load mode for class ldx"
	}
	return first(zero("imm", ins.Imm), writeReg("dst", ins.Dst), readReg("src", ins.Src))
}

func checkST(ins Instruction) string {
	if ins.Mode() != ModeMEM {
		return "undefined store mode for class st"
	}
	return first(zero("src", ins.Src), readReg("dst", ins.Dst))
}

func checkSTX(ins Instruction) string {
	switch ins.Mode() {
	case ModeMEM:
		return first(zero("imm", ins.Imm), readReg("dst", ins.Dst), readReg("src", ins.Src))
	case ModeATOMIC:
		return checkAtomic(ins)
	}
	return "undefined store mode for class stx"
}

// checkAtomic: sizes w and dw, imm one of the operations of §5.3. A
// fetching operation writes src, so src may not be r10.
func checkAtomic(ins Instruction) string {
	if ins.Size() != SizeW && ins.Size() != SizeDW {
		return "undefined: atomic operations have sizes w and dw only"
	}
	switch op := AtomicOp(ins.Imm); op &^ AtomicFetch {
	case AtomicAdd, AtomicOr, AtomicAnd, AtomicXor:
		if op&AtomicFetch == 0 {
			return first(readReg("dst", ins.Dst), readReg("src", ins.Src))
		}
	case AtomicXchg &^ AtomicFetch, AtomicCmpXchg &^ AtomicFetch:
		if op&AtomicFetch == 0 {
			return fmt.Sprintf("imm %#x: xchg and cmpxchg always fetch (imm %#x, %#x)", ins.Imm, AtomicXchg, AtomicCmpXchg)
		}
	default:
		return fmt.Sprintf("imm %#x is not an atomic operation", ins.Imm)
	}
	return first(readReg("dst", ins.Dst), writeReg("src", ins.Src))
}
