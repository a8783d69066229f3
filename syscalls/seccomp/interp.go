package seccomp

import (
	"golang.org/x/sys/unix"
)

// SeccompData is struct seccomp_data (include/uapi/linux/seccomp.h), what
// the kernel hands a filter for each system call: the number, the
// AUDIT_ARCH_* of the calling ABI, the instruction pointer and the six
// arguments.
type SeccompData struct {
	Nr                 int32
	Arch               uint32
	InstructionPointer uint64
	Args               [6]uint64
}

// seccompDataSize is sizeof(struct seccomp_data).
const seccompDataSize = 64

// word is the 32-bit little-endian word at byte offset off (4-aligned,
// below 64, as Validate ensures).
func (d *SeccompData) word(off uint32) uint32 {
	switch {
	case off == offNr:
		return uint32(d.Nr)
	case off == offArch:
		return d.Arch
	case off < offArgs:
		return uint32(d.InstructionPointer >> (8 * (off - 8)))
	}
	v := d.Args[(off-offArgs)/8]
	return uint32(v >> (8 * ((off - offArgs) % 8)))
}

// Run interprets the filter on d and returns its SECCOMP_RET_* value,
// with the kernel's semantics for every instruction seccomp accepts
// (kernel/seccomp.c seccomp_check_filter, net/core/filter.c): BPF_LEN is
// sizeof(seccomp_data), division by a zero X returns 0 (KILL_THREAD), shift
// counts are taken mod 32. A program Validate rejects returns
// SECCOMP_RET_KILL_PROCESS where it goes wrong.
func (f *Filter) Run(d SeccompData) uint32 {
	ret, _ := f.run(d)
	return ret
}

// run is Run that also counts the instructions executed.
func (f *Filter) run(d SeccompData) (ret uint32, steps int) {
	var a, x uint32
	var m [unix.BPF_MEMWORDS]uint32
	for pc := 0; pc < len(f.Insns); pc++ {
		in := f.Insns[pc]
		steps++
		switch in.Code & 0x07 {
		case unix.BPF_RET:
			if in.Code == unix.BPF_RET|unix.BPF_A {
				return a, steps
			}
			return in.K, steps
		case unix.BPF_LD, unix.BPF_LDX:
			v, ok := load(in, &d, &m)
			if !ok {
				return unix.SECCOMP_RET_KILL_PROCESS, steps
			}
			if in.Code&0x07 == unix.BPF_LD {
				a = v
			} else {
				x = v
			}
		case unix.BPF_ST, unix.BPF_STX:
			if in.K >= unix.BPF_MEMWORDS {
				return unix.SECCOMP_RET_KILL_PROCESS, steps
			}
			m[in.K] = a
			if in.Code == unix.BPF_STX {
				m[in.K] = x
			}
		case unix.BPF_ALU:
			var ok bool
			if a, ok = alu(in, a, x); !ok {
				return 0, steps // division by zero: the program returns 0
			}
		case unix.BPF_JMP:
			pc += jump(in, a, x)
		case unix.BPF_MISC:
			if in.Code == unix.BPF_MISC|unix.BPF_TAX {
				x = a
			} else {
				a = x
			}
		}
	}
	return unix.SECCOMP_RET_KILL_PROCESS, steps
}

// load is the value a BPF_LD or BPF_LDX instruction loads.
func load(in unix.SockFilter, d *SeccompData, m *[unix.BPF_MEMWORDS]uint32) (uint32, bool) {
	switch in.Code &^ 0x07 {
	case unix.BPF_W | unix.BPF_ABS:
		if in.K >= seccompDataSize || in.K%4 != 0 {
			return 0, false
		}
		return d.word(in.K), true
	case unix.BPF_W | unix.BPF_LEN:
		return seccompDataSize, true
	case unix.BPF_IMM:
		return in.K, true
	case unix.BPF_MEM:
		if in.K >= unix.BPF_MEMWORDS {
			return 0, false
		}
		return m[in.K], true
	}
	return 0, false
}

// alu applies a BPF_ALU instruction to A; ok is false for a division by
// zero.
func alu(in unix.SockFilter, a, x uint32) (uint32, bool) {
	v := in.K
	if in.Code&unix.BPF_X != 0 {
		v = x
	}
	switch in.Code & 0xf0 {
	case unix.BPF_ADD:
		return a + v, true
	case unix.BPF_SUB:
		return a - v, true
	case unix.BPF_MUL:
		return a * v, true
	case unix.BPF_DIV:
		if v == 0 {
			return 0, false
		}
		return a / v, true
	case unix.BPF_MOD:
		if v == 0 {
			return 0, false
		}
		return a % v, true
	case unix.BPF_AND:
		return a & v, true
	case unix.BPF_OR:
		return a | v, true
	case unix.BPF_XOR:
		return a ^ v, true
	case unix.BPF_LSH:
		return a << (v & 31), true
	case unix.BPF_RSH:
		return a >> (v & 31), true
	case unix.BPF_NEG:
		return -a, true
	}
	return a, true
}

// jump is how many instructions a BPF_JMP instruction skips.
func jump(in unix.SockFilter, a, x uint32) int {
	v := in.K
	if in.Code&unix.BPF_X != 0 {
		v = x
	}
	var taken bool
	switch in.Code & 0xf0 {
	case unix.BPF_JA:
		return int(in.K)
	case unix.BPF_JEQ:
		taken = a == v
	case unix.BPF_JGT:
		taken = a > v
	case unix.BPF_JGE:
		taken = a >= v
	case unix.BPF_JSET:
		taken = a&v != 0
	}
	if taken {
		return int(in.Jt)
	}
	return int(in.Jf)
}
