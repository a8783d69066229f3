package ebpf

import "fmt"

// Symbolic names of opcodes for error messages, "alu64 mov x (0xbf)": they
// follow the RFC 9669 tables (class, code, source or mode and size), not an
// assembler syntax; the disassembler lives in ebpf/asm.

var classNames = [8]string{"ld", "ldx", "st", "stx", "alu32", "jmp", "jmp32", "alu64"}

var aluNames = [16]string{"add", "sub", "mul", "div", "or", "and", "lsh", "rsh",
	"neg", "mod", "xor", "mov", "arsh", "end", "alu op 0xe", "alu op 0xf"}

var jumpNames = [16]string{"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge",
	"call", "exit", "jlt", "jle", "jslt", "jsle", "jump op 0xe", "jump op 0xf"}

var modeNames = [8]string{"imm", "abs", "ind", "mem", "memsx", "mode 5", "atomic", "mode 7"}

var sizeNames = [4]string{"w", "h", "b", "dw"}

// OpcodeName names an opcode byte for messages, e.g. "alu64 mov x (0xbf)".
// The names are built once: every fault message of both engines carries
// one, and a helper error ends every tail call.
func OpcodeName(op uint8) string { return opcodeNames[op] }

var opcodeNames = func() (names [256]string) {
	for op := range names {
		names[op] = opcodeName(uint8(op))
	}
	return names
}()

func opcodeName(op uint8) string {
	c := Class(op & classMask)
	name := classNames[c]
	switch {
	case c.IsALU():
		name += " " + aluNames[op>>4] + " " + sourceName(op)
	case c.IsJump():
		name += " " + jumpNames[op>>4] + " " + sourceName(op)
	default:
		name += " " + modeNames[op>>5] + " " + sizeNames[(op&sizeMask)>>3]
	}
	return fmt.Sprintf("%s (0x%02x)", name, op)
}

func sourceName(op uint8) string {
	if Source(op&sourceMask) == SourceX {
		return "x"
	}
	return "k"
}
