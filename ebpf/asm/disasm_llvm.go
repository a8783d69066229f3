package asm

// Disassembly in the kernel/LLVM syntax: C-like assignments, as
// `llvm-objdump -d --mcpu=v4` (LLVM 19) prints BPF code and as the kernel's
// verifier log and bpftool nearly do:
//
//	r0 = *(u32 *)(r1 + 0x4)       w0 += w1        r1 = 0x123 ll
//	if r1 == 0x20 goto +0x1       call 0x1        exit
//	lock *(u64 *)(r10 - 0x8) += r1
//	r0 = cmpxchg_64(r10 - 0x8, r0, r1)
//
// rN names a register used as 64 bits and wN its low 32 bits (ALU, JMP32,
// and the 32-bit loads, stores and atomics, as LLVM prints them with alu32,
// which -mcpu=v3 and later enable). Immediates and offsets are hexadecimal
// with a sign. objdump's address, byte and "<f+0x18>" columns are left to
// the caller. Instructions that are not well formed print as <unknown>, as
// objdump prints what it cannot decode. The table in
// testdata/llvm-objdump.txt was produced by LLVM 19 and is checked by
// TestDisassembleLLVM.

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// DisassembleLLVM prints insns in the LLVM syntax, one per line.
func DisassembleLLVM(insns []ebpf.Instruction) string {
	var b strings.Builder
	for _, ins := range insns {
		b.WriteString(FormatLLVM(ins))
		b.WriteByte('\n')
	}
	return b.String()
}

// FormatLLVM prints one instruction in the LLVM syntax.
func FormatLLVM(ins ebpf.Instruction) string {
	f, err := lookup(ins)
	if err != nil {
		return "<unknown>"
	}
	switch ins.Class() {
	case ebpf.ClassALU, ebpf.ClassALU64:
		return llvmALU(f, ins)
	case ebpf.ClassJMP, ebpf.ClassJMP32:
		return llvmJump(f, ins)
	}
	return llvmMemory(ins)
}

// llvmReg names register r as the class uses it: wN for 32 bits.
func llvmReg(r uint8, wide bool) string {
	if wide {
		return fmt.Sprintf("r%d", r)
	}
	return fmt.Sprintf("w%d", r)
}

// llvmHex prints a signed value as LLVM does: 0x1f, -0x8.
func llvmHex(v int64) string {
	if v < 0 {
		return fmt.Sprintf("-%#x", uint64(-v))
	}
	return fmt.Sprintf("%#x", v)
}

var llvmALUOps = map[ebpf.ALUOp]string{
	ebpf.ALUAdd: "+=", ebpf.ALUSub: "-=", ebpf.ALUMul: "*=", ebpf.ALUDiv: "/=", ebpf.ALUOr: "|=",
	ebpf.ALUAnd: "&=", ebpf.ALULsh: "<<=", ebpf.ALURsh: ">>=", ebpf.ALUMod: "%=", ebpf.ALUXor: "^=",
	ebpf.ALUMov: "=", ebpf.ALUArsh: "s>>=",
}

func llvmALU(f *form, ins ebpf.Instruction) string {
	wide := ins.Class() == ebpf.ClassALU64
	dst := llvmReg(ins.Dst, wide)
	switch op := ins.ALUOp(); {
	case op == ebpf.ALUEnd:
		return fmt.Sprintf("r%d = %s r%d", ins.Dst, f.name, ins.Dst)
	case op == ebpf.ALUNeg:
		return dst + " = -" + dst
	case op == ebpf.ALUMov && ins.Offset != 0:
		return fmt.Sprintf("%s = (s%d)%s", dst, ins.Offset, llvmReg(ins.Src, wide))
	}
	sym := llvmALUOps[ins.ALUOp()]
	if ins.Offset == 1 { // sdiv, smod
		sym = "s" + sym
	}
	if ins.Source() == ebpf.SourceX {
		return dst + " " + sym + " " + llvmReg(ins.Src, wide)
	}
	return dst + " " + sym + " " + llvmHex(int64(ins.Imm))
}

var llvmSizes = map[ebpf.Size]string{ebpf.SizeB: "u8", ebpf.SizeH: "u16", ebpf.SizeW: "u32", ebpf.SizeDW: "u64"}

// llvmAddr prints "(r1 + 0x4)" or "(r10 - 0x8)".
func llvmAddr(r uint8, off int16) string {
	if off < 0 {
		return fmt.Sprintf("(r%d - %#x)", r, -int32(off))
	}
	return fmt.Sprintf("(r%d + %#x)", r, off)
}

func llvmMemory(ins ebpf.Instruction) string {
	size := llvmSizes[ins.Size()]
	wide := ins.Size() == ebpf.SizeDW
	switch ins.Class() {
	case ebpf.ClassLD:
		return llvmLegacy(ins, size)
	case ebpf.ClassLDX:
		if ins.Mode() == ebpf.ModeMEMSX {
			return fmt.Sprintf("r%d = *(s%s *)%s", ins.Dst, size[1:], llvmAddr(ins.Src, ins.Offset))
		}
		return fmt.Sprintf("%s = *(%s *)%s", llvmReg(ins.Dst, wide), size, llvmAddr(ins.Src, ins.Offset))
	case ebpf.ClassST:
		return fmt.Sprintf("*(%s *)%s = %s", size, llvmAddr(ins.Dst, ins.Offset), llvmHex(int64(ins.Imm)))
	}
	if ins.Mode() == ebpf.ModeATOMIC {
		return llvmAtomic(ins, size, wide)
	}
	return fmt.Sprintf("*(%s *)%s = %s", size, llvmAddr(ins.Dst, ins.Offset), llvmReg(ins.Src, wide))
}

// llvmLegacy prints lddw and the legacy packet loads.
func llvmLegacy(ins ebpf.Instruction, size string) string {
	switch ins.Mode() {
	case ebpf.ModeABS:
		return fmt.Sprintf("r0 = *(%s *)skb[%s]", size, llvmHex(int64(ins.Imm)))
	case ebpf.ModeIND:
		return fmt.Sprintf("r0 = *(%s *)skb[r%d]", size, ins.Src)
	}
	return fmt.Sprintf("r%d = %s ll", ins.Dst, llvmHex(ins.Imm64))
}

var llvmAtomicOps = map[ebpf.AtomicOp]string{
	ebpf.AtomicAdd: "add", ebpf.AtomicOr: "or", ebpf.AtomicAnd: "and", ebpf.AtomicXor: "xor",
}

var llvmAtomicSyms = map[ebpf.AtomicOp]string{
	ebpf.AtomicAdd: "+=", ebpf.AtomicOr: "|=", ebpf.AtomicAnd: "&=", ebpf.AtomicXor: "^=",
}

func llvmAtomic(ins ebpf.Instruction, size string, wide bool) string {
	src, addr := llvmReg(ins.Src, wide), llvmAddr(ins.Dst, ins.Offset)
	bits, bare := "_64", addr[1:len(addr)-1]
	if !wide {
		bits = "32_32"
	}
	switch op := ebpf.AtomicOp(ins.Imm); {
	case op == ebpf.AtomicXchg:
		return fmt.Sprintf("%s = xchg%s(%s, %s)", src, bits, bare, src)
	case op == ebpf.AtomicCmpXchg:
		r0 := llvmReg(0, wide)
		return fmt.Sprintf("%s = cmpxchg%s(%s, %s, %s)", r0, bits, bare, r0, src)
	case op&ebpf.AtomicFetch != 0:
		return fmt.Sprintf("%s = atomic_fetch_%s((%s *)%s, %s)", src, llvmAtomicOps[op&^ebpf.AtomicFetch], size, addr, src)
	}
	return fmt.Sprintf("lock *(%s *)%s %s %s", size, addr, llvmAtomicSyms[ebpf.AtomicOp(ins.Imm)], src)
}

var llvmConds = map[ebpf.JumpOp]string{
	ebpf.JumpEq: "==", ebpf.JumpGT: ">", ebpf.JumpGE: ">=", ebpf.JumpSet: "&", ebpf.JumpNE: "!=",
	ebpf.JumpSGT: "s>", ebpf.JumpSGE: "s>=", ebpf.JumpLT: "<", ebpf.JumpLE: "<=", ebpf.JumpSLT: "s<",
	ebpf.JumpSLE: "s<=",
}

func llvmJump(f *form, ins ebpf.Instruction) string {
	switch f.shape {
	case shapeNone:
		return "exit"
	case shapeJump:
		return "goto " + distanceHex(int64(ins.Offset))
	case shapeJumpLong:
		return "gotol " + distanceHex(int64(ins.Imm))
	case shapeCall, shapeCallLocal:
		return "call " + llvmHex(int64(ins.Imm))
	case shapeCallReg:
		return fmt.Sprintf("callx r%d", ins.Dst)
	}
	wide := ins.Class() == ebpf.ClassJMP
	rhs := llvmHex(int64(ins.Imm))
	if ins.Source() == ebpf.SourceX {
		rhs = llvmReg(ins.Src, wide)
	}
	return fmt.Sprintf("if %s %s %s goto %s", llvmReg(ins.Dst, wide), llvmConds[ins.JumpOp()], rhs,
		distanceHex(int64(ins.Offset)))
}

func distanceHex(d int64) string {
	if d >= 0 {
		return "+" + llvmHex(d)
	}
	return llvmHex(d)
}
