package seccomp

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// Disassemble prints the program one instruction a line in the style of
// libseccomp's scmp_bpf_disasm: the line number, the opcode and its
// fields, the instruction, and for comparisons with a syscall number or a
// RET a comment naming it.
func (f *Filter) Disassemble() string {
	var sb strings.Builder
	sb.WriteString(" line  OP   JT   JF   K\n")
	sb.WriteString("=================================\n")
	nr := aHoldsNr(f.Insns)
	for pc, in := range f.Insns {
		text := disasmInsn(in, pc)
		if nr[pc] && isCondJump(in.Code) && in.Code&unix.BPF_X == 0 && in.K < x32SyscallBit {
			text += "  # " + systab.Name(int(in.K))
		}
		fmt.Fprintf(&sb, " %04d: 0x%02x 0x%02x 0x%02x 0x%08x   %s\n", pc, in.Code, in.Jt, in.Jf, in.K, text)
	}
	return sb.String()
}

// aHoldsNr tells for each instruction whether A holds the syscall number
// on every path that reaches it. Classic BPF jumps only forward, so one
// pass in program order sees every predecessor first.
func aHoldsNr(insns []unix.SockFilter) []bool {
	in := make([]bool, len(insns))
	reached := make([]bool, len(insns))
	reach := func(pc int, v bool) {
		if pc < len(insns) {
			in[pc] = v && (in[pc] || !reached[pc])
			reached[pc] = true
		}
	}
	for pc, ins := range insns {
		v := in[pc] && reached[pc]
		switch {
		case ins.Code == opLdAbs:
			v = ins.K == offNr
		case ins.Code&0x07 == unix.BPF_LD, ins.Code&0x07 == unix.BPF_ALU, ins.Code == unix.BPF_MISC|unix.BPF_TXA:
			v = false
		}
		switch {
		case ins.Code == opJa:
			reach(pc+1+int(ins.K), v)
		case isCondJump(ins.Code):
			reach(pc+1+int(ins.Jt), v)
			reach(pc+1+int(ins.Jf), v)
		case ins.Code&0x07 != unix.BPF_RET:
			reach(pc+1, v)
		}
	}
	return in
}

// fieldName names the words of seccomp_data.
func fieldName(off uint32) string {
	switch {
	case off == offNr:
		return "$nr"
	case off == offArch:
		return "$arch"
	case off < offArgs:
		return fmt.Sprintf("$ip%s", map[bool]string{true: ".hi", false: ".lo"}[off == 12])
	}
	i, hi := (off-offArgs)/8, (off-offArgs)%8 == 4
	return fmt.Sprintf("$a%d%s", i, map[bool]string{true: ".hi", false: ".lo"}[hi])
}

// disasmInsn is one instruction as text; jump targets are absolute lines.
func disasmInsn(in unix.SockFilter, pc int) string {
	src := fmt.Sprintf("%d", in.K)
	if in.Code&unix.BPF_X != 0 {
		src = "X"
	}
	switch in.Code & 0x07 {
	case unix.BPF_LD, unix.BPF_LDX:
		return disasmLoad(in)
	case unix.BPF_ST:
		return fmt.Sprintf("st M[%d]", in.K)
	case unix.BPF_STX:
		return fmt.Sprintf("stx M[%d]", in.K)
	case unix.BPF_ALU:
		return disasmALU(in, src)
	case unix.BPF_JMP:
		return disasmJump(in, pc, src)
	case unix.BPF_RET:
		if in.Code&0x18 == unix.BPF_A {
			return "ret A"
		}
		return "ret " + ActionString(in.K)
	case unix.BPF_MISC:
		if in.Code == unix.BPF_MISC|unix.BPF_TAX {
			return "tax"
		}
		return "txa"
	}
	return "?"
}

func disasmLoad(in unix.SockFilter) string {
	reg := "A"
	if in.Code&0x07 == unix.BPF_LDX {
		reg = "X"
	}
	switch in.Code &^ 0x07 {
	case unix.BPF_W | unix.BPF_ABS:
		if in.K < seccompDataSize && in.K%4 == 0 {
			return reg + " = " + fieldName(in.K)
		}
		return fmt.Sprintf("%s = data[%d]", reg, in.K)
	case unix.BPF_W | unix.BPF_LEN:
		return reg + " = len"
	case unix.BPF_IMM:
		return fmt.Sprintf("%s = %d", reg, in.K)
	case unix.BPF_MEM:
		return fmt.Sprintf("%s = M[%d]", reg, in.K)
	}
	return "?"
}

var aluNames = map[uint16]string{
	unix.BPF_ADD: "+=", unix.BPF_SUB: "-=", unix.BPF_MUL: "*=", unix.BPF_DIV: "/=", unix.BPF_MOD: "%=",
	unix.BPF_AND: "&=", unix.BPF_OR: "|=", unix.BPF_XOR: "^=", unix.BPF_LSH: "<<=", unix.BPF_RSH: ">>=",
}

func disasmALU(in unix.SockFilter, src string) string {
	if in.Code&0xf0 == unix.BPF_NEG {
		return "A = -A"
	}
	if in.Code&0xf0 == unix.BPF_AND && src != "X" {
		src = fmt.Sprintf("%#x", in.K)
	}
	return fmt.Sprintf("A %s %s", aluNames[in.Code&0xf0], src)
}

var jumpNames = map[uint16]string{unix.BPF_JEQ: "==", unix.BPF_JGT: ">", unix.BPF_JGE: ">=", unix.BPF_JSET: "&"}

func disasmJump(in unix.SockFilter, pc int, src string) string {
	if in.Code&0xf0 == unix.BPF_JA {
		return fmt.Sprintf("goto %04d", pc+1+int(in.K))
	}
	if src != "X" && in.K >= 0x10000 {
		src = fmt.Sprintf("%#x", in.K)
	}
	return fmt.Sprintf("if (A %s %s) goto %04d else goto %04d%s", jumpNames[in.Code&0xf0], src,
		pc+1+int(in.Jt), pc+1+int(in.Jf), jumpComment(in))
}

// jumpComment names the arch constants a comparison uses.
func jumpComment(in unix.SockFilter) string {
	switch {
	case in.Code&0x08 != 0:
		return ""
	case in.K == auditArchX86_64:
		return "  # AUDIT_ARCH_X86_64"
	case in.K == x32SyscallBit:
		return "  # __X32_SYSCALL_BIT"
	}
	return ""
}
