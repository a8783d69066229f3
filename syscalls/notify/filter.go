package notify

import (
	"fmt"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/deepsys/deepsys/syscalls/systab"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// NotifyFilter returns the classic BPF program the child installs,
// compiled by syscalls/seccomp from the policy "default ALLOW, NOTIFY for
// the syscalls numbered nrs": on an x86-64 syscall in nrs it returns
// SECCOMP_RET_USER_NOTIF, on any other SECCOMP_RET_ALLOW, and a foreign
// architecture (an i386 int 0x80 call) or an x32 number is killed, because
// the numbers would mean other syscalls there. Options.Filter takes any
// other program in its place.
func NotifyFilter(nrs []int) ([]unix.SockFilter, error) {
	if len(nrs) == 0 {
		return nil, fmt.Errorf("notify: no syscalls to notify")
	}
	names := make([]string, 0, len(nrs))
	for _, nr := range nrs {
		s, ok := systab.Lookup(nr)
		if !ok {
			return nil, fmt.Errorf("notify: syscall number %d: not an x86-64 syscall", nr)
		}
		names = append(names, s.Name)
	}
	p := &seccomp.Policy{DefaultAction: specs.ActAllow,
		Syscalls: []seccomp.Rule{{Names: names, Action: specs.ActNotify}}}
	f, err := seccomp.CompileWith(p, seccomp.Options{StrictNames: true})
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return f.Insns, nil
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
