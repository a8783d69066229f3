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

// faultCodes are the si_code names of the faults that carry si_addr.
var faultCodes = map[unix.Signal]map[int32]string{
	unix.SIGSEGV: {1: "SEGV_MAPERR", 2: "SEGV_ACCERR", 3: "SEGV_BNDERR", 4: "SEGV_PKUERR"},
	unix.SIGBUS:  {1: "BUS_ADRALN", 2: "BUS_ADRERR", 3: "BUS_OBJERR"},
	unix.SIGILL:  {1: "ILL_ILLOPC", 2: "ILL_ILLOPN", 3: "ILL_ILLADR", 4: "ILL_ILLTRP", 5: "ILL_PRVOPC", 6: "ILL_PRVREG", 7: "ILL_COPROC", 8: "ILL_BADSTK"},
	unix.SIGFPE:  {1: "FPE_INTDIV", 2: "FPE_INTOVF", 3: "FPE_FLTDIV", 4: "FPE_FLTOVF", 5: "FPE_FLTUND", 6: "FPE_FLTRES", 7: "FPE_FLTINV", 8: "FPE_FLTSUB"},
}

// formatSiginfo prints si as strace's `--- SIG... {...} ---` line does.
func formatSiginfo(si siginfo) string {
	sig := unix.Signal(si.Signo)
	head := "{si_signo=" + signalName(sig) + ", si_code="
	if c, ok := faultCodes[sig][si.Code]; ok {
		return head + c + ", si_addr=" + formatAddr(uint64(uint32(si.Pid))|uint64(si.UID)<<32) + "}"
	}
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

// formatAddr is a pointer as strace prints it: NULL or hex.
func formatAddr(a uint64) string {
	if a == 0 {
		return "NULL"
	}
	return "0x" + strconv.FormatUint(a, 16)
}

func itoa(n int) string { return strconv.Itoa(n) }
