package seccomp

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// seccompOps are the instructions the kernel accepts in a seccomp filter
// (kernel/seccomp.c seccomp_check_filter): loads from seccomp_data, the
// scratch memory and immediates, ALU without BPF_MOD, jumps and returns.
var seccompOps = func() map[uint16]bool {
	ops := map[uint16]bool{
		unix.BPF_LD | unix.BPF_W | unix.BPF_ABS: true, unix.BPF_LD | unix.BPF_W | unix.BPF_LEN: true,
		unix.BPF_LDX | unix.BPF_W | unix.BPF_LEN: true, unix.BPF_RET | unix.BPF_K: true,
		unix.BPF_RET | unix.BPF_A: true, unix.BPF_ALU | unix.BPF_NEG: true, unix.BPF_LD | unix.BPF_IMM: true,
		unix.BPF_LDX | unix.BPF_IMM: true, unix.BPF_MISC | unix.BPF_TAX: true, unix.BPF_MISC | unix.BPF_TXA: true,
		unix.BPF_LD | unix.BPF_MEM: true, unix.BPF_LDX | unix.BPF_MEM: true, unix.BPF_ST: true,
		unix.BPF_STX: true, unix.BPF_JMP | unix.BPF_JA: true,
	}
	for _, op := range []uint16{unix.BPF_ADD, unix.BPF_SUB, unix.BPF_MUL, unix.BPF_DIV, unix.BPF_AND,
		unix.BPF_OR, unix.BPF_XOR, unix.BPF_LSH, unix.BPF_RSH} {
		ops[unix.BPF_ALU|op|unix.BPF_K], ops[unix.BPF_ALU|op|unix.BPF_X] = true, true
	}
	for _, op := range []uint16{unix.BPF_JEQ, unix.BPF_JGT, unix.BPF_JGE, unix.BPF_JSET} {
		ops[unix.BPF_JMP|op|unix.BPF_K], ops[unix.BPF_JMP|op|unix.BPF_X] = true, true
	}
	return ops
}()

// Validate checks the program as seccomp(2) does before accepting it
// (net/core/filter.c bpf_check_classic, kernel/seccomp.c
// seccomp_check_filter): 1 to 4096 instructions, only seccomp's
// instructions, aligned loads inside seccomp_data, scratch indexes below
// 16, no division or shift by a bad constant, jumps that stay inside the
// program, and a RET at the end. (The kernel's check that no scratch word
// is read before it is written is not done.)
func (f *Filter) Validate() error {
	n := len(f.Insns)
	if n == 0 || n > maxInsns {
		return fmt.Errorf("seccomp filter: %d instructions (want 1 to %d)", n, maxInsns)
	}
	for pc, in := range f.Insns {
		if err := checkInsn(in, pc, n); err != nil {
			return fmt.Errorf("seccomp filter: instruction %d (%s): %w", pc, disasmInsn(in, pc), err)
		}
	}
	if f.Insns[n-1].Code&0x07 != unix.BPF_RET {
		return fmt.Errorf("seccomp filter: the last instruction is not a RET")
	}
	return nil
}

func checkInsn(in unix.SockFilter, pc, n int) error {
	if !seccompOps[in.Code] {
		return fmt.Errorf("opcode %#x not allowed in seccomp filters", in.Code)
	}
	switch in.Code {
	case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
		if in.K >= seccompDataSize || in.K%4 != 0 {
			return fmt.Errorf("load offset %d outside seccomp_data or unaligned", in.K)
		}
	case unix.BPF_LD | unix.BPF_MEM, unix.BPF_LDX | unix.BPF_MEM, unix.BPF_ST, unix.BPF_STX:
		if in.K >= unix.BPF_MEMWORDS {
			return fmt.Errorf("scratch word %d (there are %d)", in.K, unix.BPF_MEMWORDS)
		}
	case unix.BPF_ALU | unix.BPF_DIV | unix.BPF_K:
		if in.K == 0 {
			return fmt.Errorf("division by zero")
		}
	case unix.BPF_ALU | unix.BPF_LSH | unix.BPF_K, unix.BPF_ALU | unix.BPF_RSH | unix.BPF_K:
		if in.K >= 32 {
			return fmt.Errorf("shift by %d", in.K)
		}
	case unix.BPF_JMP | unix.BPF_JA:
		if uint64(in.K) >= uint64(n-pc-1) {
			return fmt.Errorf("jump past the end")
		}
	default:
		if isCondJump(in.Code) && (int(in.Jt) >= n-pc-1 || int(in.Jf) >= n-pc-1) {
			return fmt.Errorf("jump past the end")
		}
	}
	return nil
}
