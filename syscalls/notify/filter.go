package notify

import (
	"fmt"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// Offsets into struct seccomp_data (include/uapi/linux/seccomp.h): int nr;
// __u32 arch; __u64 instruction_pointer; __u64 args[6].
const (
	offNr   = 0
	offArch = 4
)

// NotifyFilter returns the classic BPF program the child installs: on an
// x86-64 syscall whose number is in nrs it returns SECCOMP_RET_USER_NOTIF,
// on any other it returns SECCOMP_RET_ALLOW, and a foreign architecture
// (an i386 int 0x80 call) or an x32 number is killed, because the numbers
// would mean other syscalls there.
//
// It is a linear chain of JEQs, small on purpose: the general compiler is
// syscalls/seccomp, and Options.Filter takes any program in its place.
func NotifyFilter(nrs []int) ([]unix.SockFilter, error) {
	if len(nrs) == 0 {
		return nil, fmt.Errorf("notify: no syscalls to notify")
	}
	if len(nrs) > 250 {
		return nil, fmt.Errorf("notify: %d syscalls exceed the 8-bit jump range of this linear filter", len(nrs))
	}
	n := len(nrs)
	prog := []unix.SockFilter{
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offArch),
		jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, unix.AUDIT_ARCH_X86_64, 1, 0),
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_KILL_PROCESS),
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offNr),
		jump(unix.BPF_JMP|unix.BPF_JGE|unix.BPF_K, x32Bit, uint8(n+2), 0),
	}
	for i, nr := range nrs {
		if nr < 0 || nr >= x32Bit {
			return nil, fmt.Errorf("notify: syscall number %d out of range", nr)
		}
		// Jump to the USER_NOTIF return after the remaining compares and the ALLOW.
		prog = append(prog, jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(nr), uint8(n-i), 0))
	}
	return append(prog,
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW),
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_USER_NOTIF),
		stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_KILL_PROCESS),
	), nil
}

// x32Bit is __X32_SYSCALL_BIT: x32 syscalls share AUDIT_ARCH_X86_64 and set
// this bit in the number.
const x32Bit = 0x40000000

// Numbers resolves syscall names through systab, naming the first unknown one.
func Numbers(names []string) ([]int, error) {
	nrs := make([]int, 0, len(names))
	for i, name := range names {
		nr, ok := systab.Number(name)
		if !ok {
			return nil, fmt.Errorf("notify: syscall %d, %q: no such x86-64 syscall", i, name)
		}
		nrs = append(nrs, nr)
	}
	return nrs, nil
}

func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}
