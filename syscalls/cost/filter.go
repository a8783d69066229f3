package cost

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// The filters the table measures, as functions returning programs, so the
// table takes any filter as input (Config.Filters): syscalls/seccomp's
// binary-search compiler plugs in beside the linear chain.

// offNr and offIP are offsets into struct seccomp_data.
const (
	offNr = 0
	offIP = 8 // instruction_pointer, low word on little-endian
)

// AllowOne is the smallest filter: one instruction, RET ALLOW. It measures
// what any filter costs: the syscall takes the slow entry path
// (SYSCALL_WORK_SECCOMP) and consults the kernel's action cache.
func AllowOne() []unix.SockFilter {
	return []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW}}
}

// LinearChain is an n-rule deny-list as a linear chain of JEQs, the shape
// libseccomp emitted before its binary tree: load the number, compare it
// with n rule numbers in turn (each returning ERRNO(EPERM)), else ALLOW.
// The rule numbers start at first and skip miss, so a syscall numbered miss
// runs every compare: the worst case. Numbers above the table (first =
// 1000) deny nothing a real program calls.
func LinearChain(n, first, miss int) ([]unix.SockFilter, error) {
	if n < 1 || n > 255 {
		return nil, fmt.Errorf("cost: linear chain of %d rules: want 1..255 (8-bit jumps)", n)
	}
	prog := []unix.SockFilter{{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offNr}}
	for i, nr := 0, first; i < n; i, nr = i+1, nr+1 {
		if nr == miss {
			nr++
		}
		prog = append(prog, unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K,
			K: uint32(nr), Jt: uint8(n - i)})
	}
	return append(prog,
		unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
		unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	), nil
}

// Uncacheable prefixes prog with a load of the instruction pointer. Since
// Linux 5.11 the kernel emulates each filter at install time for every
// syscall number and, where the answer is ALLOW whatever the arguments,
// skips running the filter at all (kernel/seccomp.c
// seccomp_is_const_allow, the action cache). A load of anything but nr and
// arch defeats that, so the filter really runs on every syscall, as a
// policy with argument checks does.
func Uncacheable(prog []unix.SockFilter) []unix.SockFilter {
	return append([]unix.SockFilter{{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offIP}}, prog...)
}

// TraceOne returns SECCOMP_RET_TRACE for syscall nr and ALLOW otherwise:
// the filter of `strace --seccomp-bpf`, for the SECCOMP_RET_TRACE row.
func TraceOne(nr int) []unix.SockFilter {
	return []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offNr},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: uint32(nr), Jf: 1},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_TRACE},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
	}
}
