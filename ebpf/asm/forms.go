package asm

// The table of instruction forms: one row per spelling of an instruction,
// shared by the assembler, the disassembler and the encoding check, so the
// three cannot disagree.
//
// A form is a mnemonic, an opcode and an operand shape. The shape says which
// of the instruction's fields (dst, src, offset, imm) are operands written
// in the text; every other field is fixed by the form: usually zero, but
// some forms are told apart only by a fixed field (sdiv is div with offset
// 1, movsx864 is mov with offset 8, be16 is END with imm 16, "lock fetch
// add" is an atomic store with imm 0x01, "call local" is call with src 1).
//
//  1. Assembling looks the mnemonic up (byMnemonic), keeps the forms whose
//     shape accepts the operands written (a register or a number decides
//     between "add %r1, %r2" and "add %r1, 2"), and fills the fields.
//  2. Disassembling looks the opcode up (byOpcode) and takes the form whose
//     fixed fields all match the instruction.
//  3. An instruction is well formed when such a form exists: a known opcode
//     with every field the form does not use at its fixed value (RFC 9669
//     §3: "unused fields must be set to zero"). checkEncoding says which
//     field is wrong otherwise. Register numbers up to 15 are encodable and
//     so accepted here; that r11-r15 do not exist is the validator's
//     business, as in bpf_conformance's assembler, which keeps them "to
//     support negative tests".
//
// Aliases (swap16 for bswap16, gotol for ja32, callx for call %rX, "call
// helper" for call) are accepted by the assembler and never printed.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// shape is the operand syntax of a form, and so the set of fields it uses.
type shape uint8

const (
	shapeNone      shape = iota // exit
	shapeDst                    // neg %rD; be16 %rD
	shapeDstSrc                 // add %rD, %rS
	shapeDstImm                 // add %rD, imm
	shapeDstImm64               // lddw %rD, imm64
	shapeLoad                   // ldxw %rD, [%rS+off]
	shapeStore                  // stxw [%rD+off], %rS (and atomics)
	shapeStoreImm               // stw [%rD+off], imm
	shapeJump                   // ja +off
	shapeJumpLong               // ja32 +imm
	shapeCondImm                // jeq %rD, imm, +off
	shapeCondSrc                // jeq %rD, %rS, +off
	shapeCall                   // call imm
	shapeCallLocal              // call local +imm
	shapeCallReg                // call %rD
	shapeAbs                    // ldabsw imm
	shapeInd                    // ldindw %rS, imm
)

// field is a bit set of the instruction fields a shape writes in the text.
type field uint8

const (
	fDst field = 1 << iota
	fSrc
	fOff
	fImm
)

var shapeFields = [...]field{
	shapeNone:      0,
	shapeDst:       fDst,
	shapeDstSrc:    fDst | fSrc,
	shapeDstImm:    fDst | fImm,
	shapeDstImm64:  fDst | fImm,
	shapeLoad:      fDst | fSrc | fOff,
	shapeStore:     fDst | fSrc | fOff,
	shapeStoreImm:  fDst | fOff | fImm,
	shapeJump:      fOff,
	shapeJumpLong:  fImm,
	shapeCondImm:   fDst | fImm | fOff,
	shapeCondSrc:   fDst | fSrc | fOff,
	shapeCall:      fImm,
	shapeCallLocal: fImm,
	shapeCallReg:   fDst,
	shapeAbs:       fImm,
	shapeInd:       fSrc | fImm,
}

// shapeSyntax is how a shape's operands are written, for error messages.
var shapeSyntax = [...]string{
	shapeNone:      "no operands",
	shapeDst:       "%rD",
	shapeDstSrc:    "%rD, %rS",
	shapeDstImm:    "%rD, imm",
	shapeDstImm64:  "%rD, imm64",
	shapeLoad:      "%rD, [%rS+off]",
	shapeStore:     "[%rD+off], %rS",
	shapeStoreImm:  "[%rD+off], imm",
	shapeJump:      "+off or label",
	shapeJumpLong:  "+off or label",
	shapeCondImm:   "%rD, imm, +off or label",
	shapeCondSrc:   "%rD, %rS, +off or label",
	shapeCall:      "imm",
	shapeCallLocal: "+off or label",
	shapeCallReg:   "%rD",
	shapeAbs:       "imm",
	shapeInd:       "%rS, imm",
}

// form is one spelling of one instruction.
type form struct {
	name  string
	op    uint8
	shape shape
	src   uint8 // src when the shape does not write it (call's pseudo source)
	off   int16 // offset when the shape does not write it (sdiv, movsx)
	imm   int32 // imm when the shape does not write it (END width, atomic op)
	alias bool  // accepted by the assembler, never printed
}

func (f *form) uses(x field) bool { return shapeFields[f.shape]&x != 0 }

// syntax is the form as a user would write it, for error messages.
func (f *form) syntax() string {
	if f.shape == shapeNone {
		return f.name
	}
	return f.name + " " + shapeSyntax[f.shape]
}

var (
	allForms   []*form
	byMnemonic = map[string][]*form{}
	byOpcode   [256][]*form // printed forms only
)

func add(f form) {
	p := &f
	allForms = append(allForms, p)
	byMnemonic[f.name] = append(byMnemonic[f.name], p)
	if !f.alias {
		byOpcode[f.op] = append(byOpcode[f.op], p)
	}
}

func alias(f form) {
	f.alias = true
	add(f)
}

func init() {
	addALU()
	addEnd()
	addMemory()
	addAtomics()
	addJumps()
}

// suffixes of the two arithmetic classes: "add" is 64-bit, "add32" 32-bit.
var aluClasses = []struct {
	cls    ebpf.Class
	suffix string
}{{ebpf.ClassALU64, ""}, {ebpf.ClassALU, "32"}}

func aluOp(cls ebpf.Class, op ebpf.ALUOp, src ebpf.Source) uint8 {
	return uint8(cls) | uint8(op) | uint8(src)
}

func addALU() {
	ops := []struct {
		name string
		op   ebpf.ALUOp
		off  int16
	}{
		{"add", ebpf.ALUAdd, 0}, {"sub", ebpf.ALUSub, 0}, {"mul", ebpf.ALUMul, 0},
		{"div", ebpf.ALUDiv, 0}, {"sdiv", ebpf.ALUDiv, 1}, {"or", ebpf.ALUOr, 0},
		{"and", ebpf.ALUAnd, 0}, {"lsh", ebpf.ALULsh, 0}, {"rsh", ebpf.ALURsh, 0},
		{"mod", ebpf.ALUMod, 0}, {"smod", ebpf.ALUMod, 1}, {"xor", ebpf.ALUXor, 0},
		{"mov", ebpf.ALUMov, 0}, {"arsh", ebpf.ALUArsh, 0},
	}
	for _, c := range aluClasses {
		for _, o := range ops {
			add(form{name: o.name + c.suffix, op: aluOp(c.cls, o.op, ebpf.SourceK), shape: shapeDstImm, off: o.off})
			add(form{name: o.name + c.suffix, op: aluOp(c.cls, o.op, ebpf.SourceX), shape: shapeDstSrc, off: o.off})
		}
		add(form{name: "neg" + c.suffix, op: aluOp(c.cls, ebpf.ALUNeg, ebpf.SourceK), shape: shapeDst})
	}
	// Sign-extending moves (RFC 9669 §4.1, offset = source width), spelled
	// movsx<from><to> as bpf_conformance does: movsx832 is w = (s8)w.
	for _, m := range []struct {
		cls  ebpf.Class
		from int16
	}{{ebpf.ClassALU64, 8}, {ebpf.ClassALU64, 16}, {ebpf.ClassALU64, 32}, {ebpf.ClassALU, 8}, {ebpf.ClassALU, 16}} {
		to := 64
		if m.cls == ebpf.ClassALU {
			to = 32
		}
		name := fmt.Sprintf("movsx%d%d", m.from, to)
		add(form{name: name, op: aluOp(m.cls, ebpf.ALUMov, ebpf.SourceX), shape: shapeDstSrc, off: m.from})
	}
}

// addEnd adds the byte-order operations: le and be in the ALU class (the
// source bit picks the order), and the unconditional bswap in ALU64.
func addEnd() {
	for _, w := range []int32{16, 32, 64} {
		n := fmt.Sprint(w)
		add(form{name: "le" + n, op: aluOp(ebpf.ClassALU, ebpf.ALUEnd, ebpf.ToLE), shape: shapeDst, imm: w})
		add(form{name: "be" + n, op: aluOp(ebpf.ClassALU, ebpf.ALUEnd, ebpf.ToBE), shape: shapeDst, imm: w})
		add(form{name: "bswap" + n, op: aluOp(ebpf.ClassALU64, ebpf.ALUEnd, ebpf.ToLE), shape: shapeDst, imm: w})
		alias(form{name: "swap" + n, op: aluOp(ebpf.ClassALU64, ebpf.ALUEnd, ebpf.ToLE), shape: shapeDst, imm: w})
	}
}

var sizeSuffixes = []struct {
	size   ebpf.Size
	suffix string
}{{ebpf.SizeB, "b"}, {ebpf.SizeH, "h"}, {ebpf.SizeW, "w"}, {ebpf.SizeDW, "dw"}}

func memOp(cls ebpf.Class, mode ebpf.Mode, size ebpf.Size) uint8 {
	return uint8(cls) | uint8(mode) | uint8(size)
}

func addMemory() {
	add(form{name: "lddw", op: ebpf.OpLDDW, shape: shapeDstImm64})
	for _, s := range sizeSuffixes {
		add(form{name: "ldx" + s.suffix, op: memOp(ebpf.ClassLDX, ebpf.ModeMEM, s.size), shape: shapeLoad})
		add(form{name: "st" + s.suffix, op: memOp(ebpf.ClassST, ebpf.ModeMEM, s.size), shape: shapeStoreImm})
		add(form{name: "stx" + s.suffix, op: memOp(ebpf.ClassSTX, ebpf.ModeMEM, s.size), shape: shapeStore})
		if s.size == ebpf.SizeDW {
			continue // no 8-byte sign extension, no 8-byte legacy packet load
		}
		add(form{name: "ldxs" + s.suffix, op: memOp(ebpf.ClassLDX, ebpf.ModeMEMSX, s.size), shape: shapeLoad})
		// Legacy packet access (RFC 9669 §5.5), spelled as GNU as does.
		add(form{name: "ldabs" + s.suffix, op: memOp(ebpf.ClassLD, ebpf.ModeABS, s.size), shape: shapeAbs})
		add(form{name: "ldind" + s.suffix, op: memOp(ebpf.ClassLD, ebpf.ModeIND, s.size), shape: shapeInd})
	}
}

// addAtomics adds "lock [fetch] op[32] [%rD+off], %rS" (RFC 9669 §5.3):
// one opcode per width, the operation in imm.
func addAtomics() {
	ops := []struct {
		name string
		imm  ebpf.AtomicOp
	}{
		{"add", ebpf.AtomicAdd}, {"or", ebpf.AtomicOr}, {"and", ebpf.AtomicAnd}, {"xor", ebpf.AtomicXor},
		{"fetch add", ebpf.AtomicAdd | ebpf.AtomicFetch}, {"fetch or", ebpf.AtomicOr | ebpf.AtomicFetch},
		{"fetch and", ebpf.AtomicAnd | ebpf.AtomicFetch}, {"fetch xor", ebpf.AtomicXor | ebpf.AtomicFetch},
		{"xchg", ebpf.AtomicXchg}, {"cmpxchg", ebpf.AtomicCmpXchg},
	}
	widths := []struct {
		size   ebpf.Size
		suffix string
	}{{ebpf.SizeDW, ""}, {ebpf.SizeW, "32"}}
	for _, w := range widths {
		op := memOp(ebpf.ClassSTX, ebpf.ModeATOMIC, w.size)
		for _, o := range ops {
			add(form{name: "lock " + o.name + w.suffix, op: op, shape: shapeStore, imm: int32(o.imm)})
		}
		// xchg and cmpxchg always fetch; accept the redundant word.
		alias(form{name: "lock fetch xchg" + w.suffix, op: op, shape: shapeStore, imm: int32(ebpf.AtomicXchg)})
		alias(form{name: "lock fetch cmpxchg" + w.suffix, op: op, shape: shapeStore, imm: int32(ebpf.AtomicCmpXchg)})
	}
}

func jumpOp(cls ebpf.Class, op ebpf.JumpOp, src ebpf.Source) uint8 {
	return uint8(cls) | uint8(op) | uint8(src)
}

func addJumps() {
	conds := []struct {
		name string
		op   ebpf.JumpOp
	}{
		{"jeq", ebpf.JumpEq}, {"jgt", ebpf.JumpGT}, {"jge", ebpf.JumpGE}, {"jset", ebpf.JumpSet},
		{"jne", ebpf.JumpNE}, {"jsgt", ebpf.JumpSGT}, {"jsge", ebpf.JumpSGE}, {"jlt", ebpf.JumpLT},
		{"jle", ebpf.JumpLE}, {"jslt", ebpf.JumpSLT}, {"jsle", ebpf.JumpSLE},
	}
	for _, c := range []struct {
		cls    ebpf.Class
		suffix string
	}{{ebpf.ClassJMP, ""}, {ebpf.ClassJMP32, "32"}} {
		for _, j := range conds {
			add(form{name: j.name + c.suffix, op: jumpOp(c.cls, j.op, ebpf.SourceK), shape: shapeCondImm})
			add(form{name: j.name + c.suffix, op: jumpOp(c.cls, j.op, ebpf.SourceX), shape: shapeCondSrc})
		}
	}
	add(form{name: "ja", op: jumpOp(ebpf.ClassJMP, ebpf.JumpA, ebpf.SourceK), shape: shapeJump})
	add(form{name: "ja32", op: jumpOp(ebpf.ClassJMP32, ebpf.JumpA, ebpf.SourceK), shape: shapeJumpLong})
	alias(form{name: "gotol", op: jumpOp(ebpf.ClassJMP32, ebpf.JumpA, ebpf.SourceK), shape: shapeJumpLong})
	addCalls()
	add(form{name: "exit", op: jumpOp(ebpf.ClassJMP, ebpf.JumpExit, ebpf.SourceK), shape: shapeNone})
}

// addCalls adds the three kinds of call told apart by src (RFC 9669
// §4.3.1) and callx, which bpf_conformance writes "call %rX" and encodes,
// as LLVM does, with the register in dst.
func addCalls() {
	call := jumpOp(ebpf.ClassJMP, ebpf.JumpCall, ebpf.SourceK)
	callx := jumpOp(ebpf.ClassJMP, ebpf.JumpCall, ebpf.SourceX)
	add(form{name: "call", op: call, shape: shapeCall, src: ebpf.PseudoCallHelper})
	alias(form{name: "call helper", op: call, shape: shapeCall, src: ebpf.PseudoCallHelper})
	add(form{name: "call local", op: call, shape: shapeCallLocal, src: ebpf.PseudoCallLocal})
	add(form{name: "call runtime", op: call, shape: shapeCall, src: ebpf.PseudoCallKfunc})
	add(form{name: "call", op: callx, shape: shapeCallReg})
	alias(form{name: "call helper", op: callx, shape: shapeCallReg})
	alias(form{name: "callx", op: callx, shape: shapeCallReg})
}
