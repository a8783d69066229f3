package seccomp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The filter's first instructions check seccomp_data.arch and the x32 bit,
// as libseccomp's x86_64 filters do: an x86-64 kernel also runs i386
// (int 0x80, AUDIT_ARCH_I386) and x32 (AUDIT_ARCH_X86_64 with bit 30 set in
// the number) system calls, whose numbers mean other syscalls. We compile
// rules for x86-64 only; anything else gets badArchAction.
const (
	auditArchX86_64 = unix.AUDIT_ARCH_X86_64
	x32SyscallBit   = 0x40000000 // __X32_SYSCALL_BIT, arch/x86/include/uapi/asm/unistd.h
	nrMinusOne      = 0xffffffff // nr -1, not an x32 call
	// badArchAction: libseccomp's default is SCMP_ACT_KILL (the thread); we
	// kill the whole process so that a multi-threaded program does not keep
	// running without the thread that tried the foreign ABI.
	badArchAction = unix.SECCOMP_RET_KILL_PROCESS
	// nativeArch is this machine's architecture in the Go/libseccomp names
	// of Docker's includes/excludes "arches".
	nativeArch = "amd64"
)

// knownArches are the SCMP_ARCH_* names the runtime-spec defines.
var knownArches = map[specs.Arch]bool{
	specs.ArchX86: true, specs.ArchX86_64: true, specs.ArchX32: true, specs.ArchARM: true,
	specs.ArchAARCH64: true, specs.ArchMIPS: true, specs.ArchMIPS64: true, specs.ArchMIPS64N32: true,
	specs.ArchMIPSEL: true, specs.ArchMIPSEL64: true, specs.ArchMIPSEL64N32: true, specs.ArchPPC: true,
	specs.ArchPPC64: true, specs.ArchPPC64LE: true, specs.ArchS390: true, specs.ArchS390X: true,
	specs.ArchPARISC: true, specs.ArchPARISC64: true, specs.ArchRISCV64: true, specs.ArchLOONGARCH64: true,
	specs.ArchM68K: true, specs.ArchSH: true, specs.ArchSHEB: true,
}

// policyArches is the architecture list the policy asks for on this
// machine: "architectures", or the archMap entry of SCMP_ARCH_X86_64 with
// its sub-architectures (Docker), or nothing (the native arch only).
func (p *Policy) policyArches() []specs.Arch {
	if len(p.Architectures) > 0 {
		return p.Architectures
	}
	for _, m := range p.ArchMap {
		if m.Architecture == specs.ArchX86_64 {
			return append([]specs.Arch{m.Architecture}, m.SubArchitectures...)
		}
	}
	return nil
}

// checkNativeArch fails when the policy names architectures but not this
// machine's: every syscall would then take the bad-arch action.
func (p *Policy) checkNativeArch() error {
	arches := p.policyArches()
	if len(arches) == 0 && len(p.ArchMap) == 0 {
		return nil
	}
	for _, a := range arches {
		if a == specs.ArchX86_64 {
			return nil
		}
	}
	return fmt.Errorf("seccomp policy: architectures %v do not include SCMP_ARCH_X86_64: every syscall on this machine would be killed", arches)
}

// kernelVersion is a kernel release's version and major revision, the
// precision of Docker's minKernel ("5.8").
type kernelVersion struct{ major, minor int }

// parseKernel reads "6.18", "6.18.0-1-amd64" or "5.8-rc1"; what follows the
// second number is ignored, as Docker does.
func parseKernel(s string) (kernelVersion, error) {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return kernelVersion{}, fmt.Errorf("kernel version %q: want MAJOR.MINOR", s)
	}
	b = strings.TrimLeft(b, "0123456789") // remainder after the digits
	minor := strings.TrimSuffix(s[len(a)+1:], b)
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil {
		return kernelVersion{}, fmt.Errorf("kernel version %q: want MAJOR.MINOR", s)
	}
	return kernelVersion{ma, mi}, nil
}

func (k kernelVersion) atLeast(m kernelVersion) bool {
	return k.major > m.major || (k.major == m.major && k.minor >= m.minor)
}

// runningKernel is uname(2)'s release of the running kernel.
func runningKernel() (kernelVersion, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return kernelVersion{}, fmt.Errorf("uname: %w", err)
	}
	return parseKernel(unix.ByteSliceToString(u.Release[:]))
}
