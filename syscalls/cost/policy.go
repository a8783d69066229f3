package cost

import (
	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/deepsys/deepsys/syscalls/systab"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// denyPolicy is a 100-rule policy as a container runtime would write it:
// default ALLOW, and ERRNO(EPERM) for 100 syscalls the timed loop (getppid)
// and the Go runtime never make (personality ... pkey_free, all numbered
// above getppid).
func denyPolicy() *seccomp.Policy {
	p := &seccomp.Policy{DefaultAction: specs.ActAllow}
	for _, r := range [][2]int{{135, 157}, {159, 185}, {187, 195}, {236, 256}, {303, 317}, {319, 323}} {
		for nr := r[0]; nr <= r[1] && len(p.Syscalls) < 100; nr++ {
			p.Syscalls = append(p.Syscalls, seccomp.Rule{Names: []string{systab.Name(nr)}, Action: specs.ActErrno})
		}
	}
	return p
}

// compiled is denyPolicy compiled by syscalls/seccomp: its binary search
// over the syscall numbers, or (linear) libseccomp's chain of compares.
func compiled(linear bool) []unix.SockFilter {
	f, err := seccomp.CompileWith(denyPolicy(), seccomp.Options{Linear: linear})
	if err != nil {
		panic("cost: the built-in 100-rule policy does not compile: " + err.Error())
	}
	return f.Insns
}
