// Package ebpf is the execution half of article 4 (eBPF Internals): the
// instruction set of RFC 9669 (including version 4: sdiv/smod, movsx, ldsx,
// bswap, gotol, 32-bit jumps), its binary encoding, and the program type the
// assembler, ELF loader, interpreter and JIT share.
//
// An instruction is 8 bytes (RFC 9669 §3):
//
//	opcode:8 | dst:4 | src:4 | offset:16 | imm:32      (little-endian host)
//
// The 64-bit immediate load (lddw) is the one instruction that spans two
// slots; its second slot holds the upper 32 bits of the constant in imm and
// zero elsewhere. Instruction keeps both halves in one value (Imm64), so a
// []Instruction is indexed by instruction, while jump offsets count slots:
// Program converts between the two.
//
// Sub-packages: asm (text assembly and disassembly), interp (the
// interpreter). The kernel is the reference: see docs/ebpf.md.
package ebpf

import (
	"encoding/binary"
	"fmt"
)

// SlotSize is the bytes of one instruction slot.
const SlotSize = 8

// Instruction is one decoded eBPF instruction. For lddw, Imm64 holds the
// whole constant (Imm its low half) and the instruction occupies two slots.
type Instruction struct {
	Opcode uint8
	Dst    uint8 // 0-10
	Src    uint8 // 0-10, or a pseudo source for lddw and call
	Offset int16
	Imm    int32
	Imm64  int64 // lddw only: the full 64-bit immediate
}

// Class is the instruction's class.
func (ins Instruction) Class() Class { return Class(ins.Opcode & classMask) }

// Source is the operand source bit (ALU and jump classes).
func (ins Instruction) Source() Source { return Source(ins.Opcode & sourceMask) }

// ALUOp is the arithmetic operation (ALU classes).
func (ins Instruction) ALUOp() ALUOp { return ALUOp(ins.Opcode & opMask) }

// JumpOp is the jump operation (jump classes).
func (ins Instruction) JumpOp() JumpOp { return JumpOp(ins.Opcode & opMask) }

// Mode is the addressing mode (load and store classes).
func (ins Instruction) Mode() Mode { return Mode(ins.Opcode & modeMask) }

// Size is the access size (load and store classes).
func (ins Instruction) Size() Size { return Size(ins.Opcode & sizeMask) }

// IsLDDW reports whether ins is the two-slot 64-bit immediate load.
func (ins Instruction) IsLDDW() bool { return ins.Opcode == OpLDDW }

// Slots is how many 8-byte slots ins occupies: 2 for lddw, else 1.
func (ins Instruction) Slots() int {
	if ins.IsLDDW() {
		return 2
	}
	return 1
}

// DecodeError says which slot of a program could not be decoded and why.
type DecodeError struct {
	Slot   int
	Reason string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("ebpf: instruction at slot %d: %s", e.Slot, e.Reason)
}

// Decode splits raw little-endian bytecode into instructions. It checks
// only the encoding (length and the lddw pair), not whether an opcode exists
// or a register is in range: Validate does that.
func Decode(code []byte) ([]Instruction, error) {
	if len(code)%SlotSize != 0 {
		return nil, &DecodeError{len(code) / SlotSize, fmt.Sprintf("%d trailing bytes: code length %d is not a multiple of 8", len(code)%SlotSize, len(code))}
	}
	n := len(code) / SlotSize
	out := make([]Instruction, 0, n)
	for slot := 0; slot < n; slot++ {
		ins := decodeSlot(code[slot*SlotSize:])
		if ins.IsLDDW() {
			if slot+1 >= n {
				return nil, &DecodeError{slot, "lddw without its second slot"}
			}
			hi := decodeSlot(code[(slot+1)*SlotSize:])
			if hi.Opcode != 0 || hi.Dst != 0 || hi.Src != 0 || hi.Offset != 0 {
				return nil, &DecodeError{slot + 1, "second slot of lddw must be zero except its imm"}
			}
			ins.Imm64 = int64(uint64(uint32(ins.Imm)) | uint64(uint32(hi.Imm))<<32)
			slot++
		}
		out = append(out, ins)
	}
	return out, nil
}

func decodeSlot(b []byte) Instruction {
	return Instruction{
		Opcode: b[0],
		Dst:    b[1] & 0x0f,
		Src:    b[1] >> 4,
		Offset: int16(binary.LittleEndian.Uint16(b[2:])),
		Imm:    int32(binary.LittleEndian.Uint32(b[4:])),
	}
}

// Encode appends the little-endian encoding of insns to dst.
func Encode(dst []byte, insns []Instruction) []byte {
	for _, ins := range insns {
		imm := ins.Imm
		if ins.IsLDDW() {
			imm = int32(uint32(uint64(ins.Imm64)))
		}
		dst = appendSlot(dst, ins.Opcode, ins.Dst|ins.Src<<4, ins.Offset, imm)
		if ins.IsLDDW() {
			dst = appendSlot(dst, 0, 0, 0, int32(uint32(uint64(ins.Imm64)>>32)))
		}
	}
	return dst
}

func appendSlot(dst []byte, op, regs uint8, off int16, imm int32) []byte {
	dst = append(dst, op, regs)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(off))
	return binary.LittleEndian.AppendUint32(dst, uint32(imm))
}
