package trace

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// signalName is SIGCHLD for 17, or SIG<n> for a signal without a name
// (real-time signals print as strace does: SIGRT_<n>).
func signalName(sig unix.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	if sig >= 34 && sig <= 64 {
		return "SIGRT_" + strconv.Itoa(int(sig)-32)
	}
	return "SIG" + strconv.Itoa(int(sig))
}

// The si_code values strace names (include/uapi/asm-generic/siginfo.h).
var siCodes = map[int32]string{
	0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ",
	-4: "SI_ASYNCIO", -5: "SI_SIGIO", -6: "SI_TKILL",
}

var cldCodes = map[int32]string{
	1: "CLD_EXITED", 2: "CLD_KILLED", 3: "CLD_DUMPED", 4: "CLD_TRAPPED", 5: "CLD_STOPPED", 6: "CLD_CONTINUED",
}

// formatSiginfo prints si as strace's `--- SIG... {...} ---` line does.
func formatSiginfo(si siginfo) string {
	sig := unix.Signal(si.Signo)
	head := "{si_signo=" + signalName(sig) + ", si_code="
	if c, ok := cldCodes[si.Code]; ok && sig == unix.SIGCHLD {
		status := strconv.Itoa(int(si.Status))
		if si.Code != 1 {
			status = signalName(unix.Signal(si.Status))
		}
		return fmt.Sprintf("%s%s, si_pid=%d, si_uid=%d, si_status=%s, si_utime=%d, si_stime=%d}",
			head, c, si.Pid, si.UID, status, si.Utime, si.Stime)
	}
	if c, ok := siCodes[si.Code]; ok {
		if si.Code <= 0 {
			return fmt.Sprintf("%s%s, si_pid=%d, si_uid=%d}", head, c, si.Pid, si.UID)
		}
		return head + c + "}"
	}
	return head + strconv.Itoa(int(si.Code)) + "}"
}

func itoa(n int) string { return strconv.Itoa(n) }
