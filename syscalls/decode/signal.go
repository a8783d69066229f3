package decode

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// signalNames are signal(7)'s x86-64 numbers 1-31; 32 and up are the
// real-time signals, which strace names SIGRTMIN and SIGRT_<n> counting
// from 32 (the kernel's SIGRTMIN, not glibc's, which reserves two).
var signalNames = [...]string{"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
	"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
	"SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"}

const nsig = 64

// signalName is SIGKILL for 9, SIGRT_3 for 35, "" outside 1-64.
func signalName(s uint64) string {
	switch {
	case s >= 1 && s < uint64(len(signalNames)):
		return signalNames[s]
	case s == 32:
		return "SIGRTMIN"
	case s > 32 && s <= nsig:
		return "SIGRT_" + strconv.FormatUint(s-32, 10)
	}
	return ""
}

// signal prints a signal number argument: its name, or the number.
func signal(v uint64) string {
	if n := signalName(v & 0xffffffff); n != "" {
		return n
	}
	return strconv.FormatInt(int64(int32(v)), 10)
}

// sigset prints a signal mask of nbits bits as strace does: [INT TERM],
// or, when more than half the signals are in it, ~[...] naming those
// that are not.
func sigset(mask uint64, nbits int) string {
	if nbits < nsig {
		mask &= 1<<nbits - 1
	}
	prefix := "["
	if bits.OnesCount64(mask)*2 > nbits {
		prefix, mask = "~[", ^mask
		if nbits < nsig {
			mask &= 1<<nbits - 1
		}
	}
	var names []string
	for s := uint64(1); s <= uint64(nbits); s++ {
		if mask&(1<<(s-1)) != 0 {
			names = append(names, strings.TrimPrefix(signalName(s), "SIG"))
		}
	}
	return prefix + strings.Join(names, " ") + "]"
}

// sigsetAt prints the sigset_t of size bytes at addr (rt_sigprocmask's
// sigsetsize); a size other than 1-8 prints the address, as strace does.
func sigsetAt(mem Memory, addr, size uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if size == 0 || size > 8 {
		return hex(addr)
	}
	b, ok := readFull(mem, addr, int(size))
	if !ok {
		return hex(addr)
	}
	var mask uint64
	for i, c := range b {
		mask |= uint64(c) << (8 * i)
	}
	return sigset(mask, int(size)*8)
}

var sigprocmaskHow = enum{"SIG", []flag{{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}}}

var saFlags = flags{"SA", []flag{
	{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"},
	{0x20000000, "SA_INTERRUPT"}, {0x40000000, "SA_NODEFER"}, {0x80000000, "SA_RESETHAND"},
	{4, "SA_SIGINFO"}, {1, "SA_NOCLDSTOP"}, {2, "SA_NOCLDWAIT"},
}}

const saRestorer = 0x04000000

// sigaction prints the kernel's struct sigaction (handler, flags,
// restorer, mask: asm/signal.h on x86-64).
func sigaction(mem Memory, addr uint64) string {
	if addr == 0 {
		return "NULL"
	}
	b, ok := readFull(mem, addr, 32)
	if !ok {
		return hex(addr)
	}
	handler, fl, restorer, mask := le.Uint64(b), le.Uint64(b[8:]), le.Uint64(b[16:]), le.Uint64(b[24:])
	var h string
	switch handler {
	case 0:
		h = "SIG_DFL"
	case 1:
		h = "SIG_IGN"
	default:
		h = hex(handler)
	}
	s := fmt.Sprintf("{sa_handler=%s, sa_mask=%s, sa_flags=%s", h, sigset(mask, nsig), saFlags.format(fl))
	if fl&saRestorer != 0 {
		s += ", sa_restorer=" + pointer(restorer)
	}
	return s + "}"
}

var ssFlags = flags{"SS", []flag{{1, "SS_ONSTACK"}, {2, "SS_DISABLE"}, {1 << 31, "SS_AUTODISARM"}}}

// stackT prints sigaltstack(2)'s stack_t.
func stackT(mem Memory, addr uint64) string {
	if addr == 0 {
		return "NULL"
	}
	b, ok := readFull(mem, addr, 24)
	if !ok {
		return hex(addr)
	}
	return fmt.Sprintf("{ss_sp=%s, ss_flags=%s, ss_size=%d}",
		pointer(le.Uint64(b)), ssFlags.format(uint64(le.Uint32(b[8:]))), le.Uint64(b[16:]))
}

// sigreturnMaskOffset is where the mask rt_sigreturn restores lies above
// rsp at its entry: the handler's ret popped the frame's return address,
// so rsp points at the ucontext (uc_flags 8, uc_link 8, uc_stack 24,
// uc_mcontext 256: arch/x86/include/uapi/asm/sigcontext.h), then uc_sigmask.
const sigreturnMaskOffset = 8 + 8 + 24 + 256

// sigreturnFrame prints rt_sigreturn's pseudo-argument, {mask=[...]},
// when mem can say where the stack is.
func sigreturnFrame(mem Memory) string {
	sp, ok := mem.(StackPointer)
	if !ok {
		return omit
	}
	m, ok := readU64(mem, sp.StackPointer()+sigreturnMaskOffset)
	if !ok {
		return omit
	}
	return "{mask=" + sigset(m, nsig) + "}"
}
