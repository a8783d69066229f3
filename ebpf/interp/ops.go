package interp

// The compact operations the dispatch loop switches on. Compile turns each
// RFC 9669 opcode, together with the fields that refine it (offset 1 for
// sdiv/smod, 8/16/32 for movsx, imm for the byte-swap width and the atomic
// operation), into one of these, so that run's switch needs one dense jump
// table and no second decode. K forms read the immediate, X forms the
// source register; 32 forms truncate their operands and zero-extend the
// result (RFC 9669 §4.1).
//
// Their order matters where Compile computes an op instead of looking it
// up: each signed division or modulo follows its unsigned form at distance
// sdivOffset (offset 1 becomes an addition); movsx B, H, W and the byte
// swaps 16, 32, 64 are consecutive (width / 16 or / 32 indexes them); and
// the legacy loads go B, H, W for ABS, then for IND (legacySizes).

import "github.com/deepsys/deepsys/ebpf"

// op is a compact operation.
type op uint8

const (
	opInvalid op = iota // never emitted: the zero value traps bugs

	opAdd64K
	opAdd64X
	opSub64K
	opSub64X
	opMul64K
	opMul64X
	opDiv64K
	opDiv64X
	opSDiv64K
	opSDiv64X
	opOr64K
	opOr64X
	opAnd64K
	opAnd64X
	opLsh64K
	opLsh64X
	opRsh64K
	opRsh64X
	opMod64K
	opMod64X
	opSMod64K
	opSMod64X
	opXor64K
	opXor64X
	opMov64K // also lddw, with the 64-bit constant in imm
	opMov64X
	opArsh64K
	opArsh64X
	opNeg64
	opMovSX64B
	opMovSX64H
	opMovSX64W

	opAdd32K
	opAdd32X
	opSub32K
	opSub32X
	opMul32K
	opMul32X
	opDiv32K
	opDiv32X
	opSDiv32K
	opSDiv32X
	opOr32K
	opOr32X
	opAnd32K
	opAnd32X
	opLsh32K
	opLsh32X
	opRsh32K
	opRsh32X
	opMod32K
	opMod32X
	opSMod32K
	opSMod32X
	opXor32K
	opXor32X
	opMov32K
	opMov32X
	opArsh32K
	opArsh32X
	opNeg32
	opMovSX32B
	opMovSX32H

	opLE16 // to little-endian on a little-endian machine: truncate
	opLE32
	opLE64 // nothing to do
	opBswap16
	opBswap32
	opBswap64

	opJA
	opJEqK
	opJEqX
	opJGTK
	opJGTX
	opJGEK
	opJGEX
	opJSetK
	opJSetX
	opJNEK
	opJNEX
	opJSGTK
	opJSGTX
	opJSGEK
	opJSGEX
	opJLTK
	opJLTX
	opJLEK
	opJLEX
	opJSLTK
	opJSLTX
	opJSLEK
	opJSLEX
	opJEq32K
	opJEq32X
	opJGT32K
	opJGT32X
	opJGE32K
	opJGE32X
	opJSet32K
	opJSet32X
	opJNE32K
	opJNE32X
	opJSGT32K
	opJSGT32X
	opJSGE32K
	opJSGE32X
	opJLT32K
	opJLT32X
	opJLE32K
	opJLE32X
	opJSLT32K
	opJSLT32X
	opJSLE32K
	opJSLE32X
	opCallHelper
	opCallLocal
	opExit

	opLdxB
	opLdxH
	opLdxW
	opLdxDW
	opLdxSB
	opLdxSH
	opLdxSW
	opStB
	opStH
	opStW
	opStDW
	opStxB
	opStxH
	opStxW
	opStxDW
	opAtomic32
	opAtomic64
	opLdAbsB
	opLdAbsH
	opLdAbsW
	opLdIndB
	opLdIndH
	opLdIndW

	// Through r10 inside the current frame (frame.go): no region lookup.
	opLdxFrameB
	opLdxFrameH
	opLdxFrameW
	opLdxFrameDW
	opStFrameB
	opStFrameH
	opStFrameW
	opStFrameDW
	opStxFrameB
	opStxFrameH
	opStxFrameW
	opStxFrameDW

	numOps
)

// sdivOffset is the distance from DIV or MOD to its signed form.
const sdivOffset = opSDiv64K - opDiv64K

// inst is a predecoded instruction: 16 bytes, four to a cache line.
type inst struct {
	op  op
	dst uint8 // register, 0-10
	src uint8 // register, 0-10
	_   uint8
	off int32  // memory offset, or the target instruction of a branch
	imm uint64 // immediate sign-extended to 64 bits; lddw's constant; helper slot
}

// aluOps lists the arithmetic operations whose opcode byte decides.
var aluOps = []struct {
	code               ebpf.ALUOp
	k64, x64, k32, x32 op
}{
	{ebpf.ALUAdd, opAdd64K, opAdd64X, opAdd32K, opAdd32X},
	{ebpf.ALUSub, opSub64K, opSub64X, opSub32K, opSub32X},
	{ebpf.ALUMul, opMul64K, opMul64X, opMul32K, opMul32X},
	{ebpf.ALUDiv, opDiv64K, opDiv64X, opDiv32K, opDiv32X},
	{ebpf.ALUOr, opOr64K, opOr64X, opOr32K, opOr32X},
	{ebpf.ALUAnd, opAnd64K, opAnd64X, opAnd32K, opAnd32X},
	{ebpf.ALULsh, opLsh64K, opLsh64X, opLsh32K, opLsh32X},
	{ebpf.ALURsh, opRsh64K, opRsh64X, opRsh32K, opRsh32X},
	{ebpf.ALUNeg, opNeg64, opInvalid, opNeg32, opInvalid},
	{ebpf.ALUMod, opMod64K, opMod64X, opMod32K, opMod32X},
	{ebpf.ALUXor, opXor64K, opXor64X, opXor32K, opXor32X},
	{ebpf.ALUMov, opMov64K, opMov64X, opMov32K, opMov32X},
	{ebpf.ALUArsh, opArsh64K, opArsh64X, opArsh32K, opArsh32X},
}

// jumpOps lists the conditional jumps.
var jumpOps = []struct {
	code               ebpf.JumpOp
	k64, x64, k32, x32 op
}{
	{ebpf.JumpEq, opJEqK, opJEqX, opJEq32K, opJEq32X},
	{ebpf.JumpGT, opJGTK, opJGTX, opJGT32K, opJGT32X},
	{ebpf.JumpGE, opJGEK, opJGEX, opJGE32K, opJGE32X},
	{ebpf.JumpSet, opJSetK, opJSetX, opJSet32K, opJSet32X},
	{ebpf.JumpNE, opJNEK, opJNEX, opJNE32K, opJNE32X},
	{ebpf.JumpSGT, opJSGTK, opJSGTX, opJSGT32K, opJSGT32X},
	{ebpf.JumpSGE, opJSGEK, opJSGEX, opJSGE32K, opJSGE32X},
	{ebpf.JumpLT, opJLTK, opJLTX, opJLT32K, opJLT32X},
	{ebpf.JumpLE, opJLEK, opJLEX, opJLE32K, opJLE32X},
	{ebpf.JumpSLT, opJSLTK, opJSLTX, opJSLT32K, opJSLT32X},
	{ebpf.JumpSLE, opJSLEK, opJSLEX, opJSLE32K, opJSLE32X},
}

// memOps lists loads and stores by size.
var memOps = []struct {
	size                          ebpf.Size
	ldx, ldxsx, st, stx, abs, ind op
}{
	{ebpf.SizeB, opLdxB, opLdxSB, opStB, opStxB, opLdAbsB, opLdIndB},
	{ebpf.SizeH, opLdxH, opLdxSH, opStH, opStxH, opLdAbsH, opLdIndH},
	{ebpf.SizeW, opLdxW, opLdxSW, opStW, opStxW, opLdAbsW, opLdIndW},
	{ebpf.SizeDW, opLdxDW, opInvalid, opStDW, opStxDW, opInvalid, opInvalid},
}

// opcodeOps maps an opcode byte to its operation where the byte alone
// decides (refine handles the rest).
var opcodeOps = func() (t [256]op) {
	for _, a := range aluOps {
		t[uint8(ebpf.ClassALU64)|uint8(a.code)|uint8(ebpf.SourceK)] = a.k64
		t[uint8(ebpf.ClassALU64)|uint8(a.code)|uint8(ebpf.SourceX)] = a.x64
		t[uint8(ebpf.ClassALU)|uint8(a.code)|uint8(ebpf.SourceK)] = a.k32
		t[uint8(ebpf.ClassALU)|uint8(a.code)|uint8(ebpf.SourceX)] = a.x32
	}
	for _, j := range jumpOps {
		t[uint8(ebpf.ClassJMP)|uint8(j.code)|uint8(ebpf.SourceK)] = j.k64
		t[uint8(ebpf.ClassJMP)|uint8(j.code)|uint8(ebpf.SourceX)] = j.x64
		t[uint8(ebpf.ClassJMP32)|uint8(j.code)|uint8(ebpf.SourceK)] = j.k32
		t[uint8(ebpf.ClassJMP32)|uint8(j.code)|uint8(ebpf.SourceX)] = j.x32
	}
	for _, m := range memOps {
		t[uint8(ebpf.ClassLDX)|uint8(ebpf.ModeMEM)|uint8(m.size)] = m.ldx
		t[uint8(ebpf.ClassLDX)|uint8(ebpf.ModeMEMSX)|uint8(m.size)] = m.ldxsx
		t[uint8(ebpf.ClassST)|uint8(ebpf.ModeMEM)|uint8(m.size)] = m.st
		t[uint8(ebpf.ClassSTX)|uint8(ebpf.ModeMEM)|uint8(m.size)] = m.stx
		t[uint8(ebpf.ClassLD)|uint8(ebpf.ModeABS)|uint8(m.size)] = m.abs
		t[uint8(ebpf.ClassLD)|uint8(ebpf.ModeIND)|uint8(m.size)] = m.ind
	}
	t[uint8(ebpf.ClassSTX)|uint8(ebpf.ModeATOMIC)|uint8(ebpf.SizeW)] = opAtomic32
	t[uint8(ebpf.ClassSTX)|uint8(ebpf.ModeATOMIC)|uint8(ebpf.SizeDW)] = opAtomic64
	t[ebpf.OpLDDW] = opMov64K
	t[uint8(ebpf.ClassJMP)|uint8(ebpf.JumpA)] = opJA
	t[uint8(ebpf.ClassJMP32)|uint8(ebpf.JumpA)] = opJA
	t[uint8(ebpf.ClassJMP)|uint8(ebpf.JumpCall)] = opCallHelper
	t[uint8(ebpf.ClassJMP)|uint8(ebpf.JumpExit)] = opExit
	return t
}()
