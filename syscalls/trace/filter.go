package trace

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/deepsys/deepsys/syscalls/systab"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The -e trace=SET filter, as `strace --seccomp-bpf` builds it: a classic
// BPF program run by the kernel at every syscall entry of the tracee
// (seccomp(2), Documentation/userspace-api/seccomp_filter.rst) that
// returns SECCOMP_RET_TRACE for the traced syscalls, which stops the
// tracee in a PTRACE_EVENT_SECCOMP stop, and SECCOMP_RET_ALLOW for the
// rest, which run without a context switch to the tracer. It is the
// policy "default ALLOW, TRACE for these names" compiled by
// syscalls/seccomp (binary search on the number), with calls of other
// ABIs (i386, x32) let through rather than killed: a tracer selects, it
// does not confine.

// Filter returns the filter program that traps the syscalls nrs.
func Filter(nrs []int) ([]unix.SockFilter, error) {
	p := &seccomp.Policy{DefaultAction: specs.ActAllow}
	if len(nrs) > 0 {
		names := make([]string, 0, len(nrs))
		for _, nr := range nrs {
			s, ok := systab.Lookup(nr)
			if !ok {
				return nil, fmt.Errorf("trace: syscall %d: not in the x86-64 table", nr)
			}
			names = append(names, s.Name)
		}
		p.Syscalls = []seccomp.Rule{{Names: names, Action: specs.ActTrace}}
	}
	f, err := seccomp.CompileWith(p, seccomp.Options{StrictNames: true, AllowForeignArch: true})
	if err != nil {
		return nil, fmt.Errorf("trace: -e filter: %w", err)
	}
	return f.Insns, nil
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
