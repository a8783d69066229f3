package trace

import (
	"errors"
	"fmt"
	"sort"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The -e trace=SET filter, as `strace --seccomp-bpf` builds it: a classic
// BPF program run by the kernel at every syscall entry of the tracee
// (seccomp(2), Documentation/userspace-api/seccomp_filter.rst) that
// returns SECCOMP_RET_TRACE for the traced syscalls, which stops the
// tracee in a PTRACE_EVENT_SECCOMP stop, and SECCOMP_RET_ALLOW for the
// rest, which run without a context switch to the tracer.
//
// The program reads struct seccomp_data (nr at offset 0, arch at 4):
//
//	ld  [4]                 ; arch
//	jeq AUDIT_ARCH_X86_64, 1, 0 ; ret ALLOW
//	ld  [0]                 ; nr
//	jge 0x40000000, 0, 1    ; ret ALLOW (the x32 ABI: not traced)
//	jeq nr1, 0, 1           ; ret TRACE
//	jeq nr2, 0, 1           ; ret TRACE ...
//	ret ALLOW
//
// Each test is followed by its own return, so no jump is longer than one
// instruction whatever the set's size (BPF jump offsets are 8 bits). The
// general policy compiler with binary-search dispatch is syscalls/seccomp.

const (
	seccompDataNr   = 0
	seccompDataArch = 4
	x32SyscallBit   = 0x40000000
)

// Filter returns the filter program that traps the syscalls nrs.
func Filter(nrs []int) []unix.SockFilter {
	nrs = append([]int(nil), nrs...)
	sort.Ints(nrs)
	allow := stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW)
	prog := []unix.SockFilter{
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, seccompDataArch),
		jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, unix.AUDIT_ARCH_X86_64, 1, 0),
		allow,
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, seccompDataNr),
		jump(unix.BPF_JMP|unix.BPF_JGE|unix.BPF_K, x32SyscallBit, 0, 1),
		allow,
	}
	for _, nr := range nrs {
		prog = append(prog,
			jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(nr), 0, 1),
			stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_TRACE))
	}
	return append(prog, allow)
}

func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}

// installFilter installs prog on the calling thread (no TSYNC: the thread
// is about to exec). Without CAP_SYS_ADMIN the kernel needs no_new_privs
// first (seccomp(2), EACCES); root keeps set-user-ID programs working.
func installFilter(prog []unix.SockFilter) error {
	if len(prog) > 0xffff {
		return fmt.Errorf("seccomp filter of %d instructions exceeds BPF_MAXINSNS", len(prog))
	}
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	err := setFilter(&fp)
	if errors.Is(err, unix.EACCES) {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
		}
		err = setFilter(&fp)
	}
	if err != nil {
		return fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER): %w", err)
	}
	return nil
}

func setFilter(fp *unix.SockFprog) error {
	_, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(fp)))
	if e != 0 {
		return e
	}
	return nil
}
