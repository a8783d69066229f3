package asm

// Encoding one statement: the chosen form gives the opcode and the fixed
// fields, the operands fill the fields its shape writes. A jump target that
// is a label is returned for assemble.go to resolve once every label is
// known.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// encode builds the instruction of form f from operands that match its
// shape. It returns the label of a jump target, if one was written.
func encode(f *form, ops []operand) (ebpf.Instruction, string, error) {
	ins := ebpf.Instruction{Opcode: f.op, Src: f.src, Offset: f.off, Imm: f.imm}
	var err error
	var label string
	switch f.shape {
	case shapeDst, shapeCallReg:
		ins.Dst = ops[0].reg
	case shapeDstSrc:
		ins.Dst, ins.Src = ops[0].reg, ops[1].reg
	case shapeDstImm:
		ins.Dst = ops[0].reg
		ins.Imm, err = ops[1].num.imm32()
	case shapeDstImm64:
		ins.Dst = ops[0].reg
		ins.Imm64, err = ops[1].num.imm64()
		ins.Imm = int32(uint32(uint64(ins.Imm64)))
	case shapeLoad:
		ins.Dst, ins.Src = ops[0].reg, ops[1].reg
		ins.Offset, err = memOffset(ops[1])
	case shapeStore:
		ins.Dst, ins.Src = ops[0].reg, ops[1].reg
		ins.Offset, err = memOffset(ops[0])
	case shapeStoreImm:
		ins.Dst = ops[0].reg
		if ins.Offset, err = memOffset(ops[0]); err == nil {
			ins.Imm, err = ops[1].num.imm32()
		}
	case shapeJump:
		label, err = target16(&ins, ops[0])
	case shapeJumpLong, shapeCallLocal:
		label, err = target32(&ins, ops[0])
	case shapeCondImm, shapeCondSrc:
		label, err = encodeCond(&ins, f.shape, ops)
	case shapeCall, shapeAbs:
		ins.Imm, err = ops[0].num.imm32()
	case shapeInd:
		ins.Src = ops[0].reg
		ins.Imm, err = ops[1].num.imm32()
	}
	return ins, label, err
}

func memOffset(op operand) (int16, error) {
	if op.num.text == "" {
		return 0, nil // [%rN]
	}
	return op.num.off16()
}

// encodeCond fills "jxx %rD, imm|%rS, target".
func encodeCond(ins *ebpf.Instruction, s shape, ops []operand) (string, error) {
	ins.Dst = ops[0].reg
	if s == shapeCondSrc {
		ins.Src = ops[1].reg
	} else {
		imm, err := ops[1].num.imm32()
		if err != nil {
			return "", err
		}
		ins.Imm = imm
	}
	return target16(ins, ops[2])
}

// target16 puts a numeric jump offset in the offset field, or returns the
// label to resolve later.
func target16(ins *ebpf.Instruction, op operand) (string, error) {
	if op.kind == opIdent {
		return op.label, nil
	}
	off, err := op.num.off16()
	if err != nil {
		return "", fmt.Errorf("jump %w", err)
	}
	ins.Offset = off
	return "", nil
}

// target32 is target16 for the jumps that keep their distance in imm.
func target32(ins *ebpf.Instruction, op operand) (string, error) {
	if op.kind == opIdent {
		return op.label, nil
	}
	imm, err := op.num.imm32()
	if err != nil {
		return "", fmt.Errorf("jump %w", err)
	}
	ins.Imm = imm
	return "", nil
}
