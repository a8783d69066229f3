package decode

import "fmt"

var cldCodes = enum{"CLD", []flag{
	{1, "CLD_EXITED"}, {2, "CLD_KILLED"}, {3, "CLD_DUMPED"}, {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"},
}}

// siCodes are the si_code values any signal can carry (siginfo.h); they
// are negative or zero (SI_USER) or 0x80 (SI_KERNEL).
var siCodes = map[int32]string{
	0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO",
	-5: "SI_SIGIO", -6: "SI_TKILL",
}

var idTypes = enum{"P", []flag{{0, "P_ALL"}, {1, "P_PID"}, {2, "P_PGID"}, {3, "P_PIDFD"}}}

// siginfo prints a siginfo_t (asm-generic/siginfo.h, x86-64 layout) as
// strace does: a child's state change for SIGCHLD, the sender for a
// signal a process sent, {} when the kernel wrote none (waitid WNOHANG).
func siginfo(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 48)
	if !ok {
		return pointer(addr)
	}
	signo, code := le.Uint32(b), int32(le.Uint32(b[8:]))
	if signo == 0 {
		return "{}"
	}
	pid, uid := int32(le.Uint32(b[16:])), le.Uint32(b[20:])
	s := "{si_signo=" + signal(uint64(signo))
	if signo == 17 && code > 0 { // SIGCHLD from the kernel
		status := fmt.Sprint(int32(le.Uint32(b[24:])))
		if code != 1 {
			status = signal(uint64(le.Uint32(b[24:])))
		}
		return s + fmt.Sprintf(", si_code=%s, si_pid=%d, si_uid=%d, si_status=%s, si_utime=%d, si_stime=%d}",
			cldCodes.format(uint64(code)), pid, uid, status, int64(le.Uint64(b[32:])), int64(le.Uint64(b[40:])))
	}
	if name, ok := siCodes[code]; ok {
		return s + fmt.Sprintf(", si_code=%s, si_pid=%d, si_uid=%d}", name, pid, uid)
	}
	return s + fmt.Sprintf(", si_code=%d}", code)
}

// rusage prints struct rusage as strace abbreviates it: the two times.
func rusage(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 32)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{ru_utime={tv_sec=%d, tv_usec=%d}, ru_stime={tv_sec=%d, tv_usec=%d}, ...}",
		int64(le.Uint64(b)), int64(le.Uint64(b[8:])), int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:])))
}

var rusageWho = enum{"RUSAGE", []flag{{0, "RUSAGE_SELF"}, {0xffffffff, "RUSAGE_CHILDREN"}, {1, "RUSAGE_THREAD"}}}
