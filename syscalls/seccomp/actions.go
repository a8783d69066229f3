package seccomp

import (
	"fmt"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// maxErrno is the largest errno the kernel returns from SECCOMP_RET_ERRNO
// (MAX_ERRNO, include/linux/err.h); larger data is clamped by the kernel, so
// a policy asking for more is an error here.
const maxErrno = 4095

// actionValue is the SECCOMP_RET_* value (seccomp(2), "Filter return
// values") that a filter returns for action a. The 16-bit data of ERRNO is
// errnoRet, EPERM when unset (runc's default); TRACE carries errnoRet as the
// message a tracer reads with PTRACE_GETEVENTMSG, 0 when unset.
func actionValue(a specs.LinuxSeccompAction, errnoRet *uint) (uint32, error) {
	switch a {
	case specs.ActAllow:
		return unix.SECCOMP_RET_ALLOW, nil
	case specs.ActKill, specs.ActKillThread:
		return unix.SECCOMP_RET_KILL_THREAD, nil
	case specs.ActKillProcess:
		return unix.SECCOMP_RET_KILL_PROCESS, nil
	case specs.ActTrap:
		return unix.SECCOMP_RET_TRAP, nil
	case specs.ActLog:
		return unix.SECCOMP_RET_LOG, nil
	case specs.ActNotify:
		return unix.SECCOMP_RET_USER_NOTIF, nil
	case specs.ActErrno:
		return unix.SECCOMP_RET_ERRNO | errnoOr(errnoRet, uint(unix.EPERM)), nil
	case specs.ActTrace:
		return unix.SECCOMP_RET_TRACE | errnoOr(errnoRet, 0), nil
	}
	return 0, fmt.Errorf("action %q: unknown (want one of SCMP_ACT_ALLOW, ERRNO, KILL, KILL_THREAD, KILL_PROCESS, TRAP, TRACE, LOG, NOTIFY)", a)
}

func errnoOr(p *uint, def uint) uint32 {
	if p == nil {
		return uint32(def)
	}
	return uint32(*p)
}

// checkErrnoRet rejects an errnoRet the kernel would clamp.
func checkErrnoRet(p *uint) error {
	if p != nil && *p > maxErrno {
		return fmt.Errorf("errnoRet %d: larger than MAX_ERRNO (%d)", *p, maxErrno)
	}
	return nil
}

// ActionString names a SECCOMP_RET_* value the way the disassembler and
// the CLI print it: ALLOW, ERRNO(1), TRACE(0), KILL_PROCESS.
func ActionString(ret uint32) string {
	data := ret & unix.SECCOMP_RET_DATA
	switch ret & unix.SECCOMP_RET_ACTION_FULL {
	case unix.SECCOMP_RET_KILL_PROCESS:
		return "KILL_PROCESS"
	case unix.SECCOMP_RET_KILL_THREAD:
		return "KILL_THREAD"
	case unix.SECCOMP_RET_TRAP:
		return fmt.Sprintf("TRAP(%d)", data)
	case unix.SECCOMP_RET_ERRNO:
		return fmt.Sprintf("ERRNO(%d)", data)
	case unix.SECCOMP_RET_USER_NOTIF:
		return "USER_NOTIF"
	case unix.SECCOMP_RET_TRACE:
		return fmt.Sprintf("TRACE(%d)", data)
	case unix.SECCOMP_RET_LOG:
		return "LOG"
	case unix.SECCOMP_RET_ALLOW:
		return "ALLOW"
	}
	return fmt.Sprintf("%#x", ret)
}
