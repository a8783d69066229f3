package decode

import (
	"fmt"
	"strings"
)

// Credentials and the process limits around them: capget(2)/capset(2),
// the res[ug]id calls, seccomp(2)'s simple operations, timers, times(2)
// and sysinfo(2).

var capVersions = enum{"_LINUX_CAPABILITY_VERSION", []flag{
	{0x19980330, "_LINUX_CAPABILITY_VERSION_1"}, {0x20071026, "_LINUX_CAPABILITY_VERSION_2"},
	{0x20080522, "_LINUX_CAPABILITY_VERSION_3"},
}}

// capHeader prints struct __user_cap_header_struct.
func capHeader(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 8)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{version=%s, pid=%d}", capVersions.format(uint64(le.Uint32(b))), int32(le.Uint32(b[4:])))
}

// capData prints the capability sets, two 32-bit halves each for the
// 64-bit versions (2 and 3; the header, argument 0, says which).
func capData(mem Memory, addr, header uint64) string {
	n := 2
	if v, ok := readU32(mem, header); ok && v == 0x19980330 {
		n = 1
	}
	b, ok := readFull(mem, addr, 12*n)
	if !ok {
		return pointer(addr)
	}
	var sets [3]uint64
	for i := 0; i < n; i++ {
		for j := range sets {
			sets[j] |= uint64(le.Uint32(b[12*i+4*j:])) << (32 * i)
		}
	}
	return fmt.Sprintf("{effective=%s, permitted=%s, inheritable=%s}", capSet(sets[0]), capSet(sets[1]), capSet(sets[2]))
}

// capSet prints a capability mask: 1<<CAP_CHOWN|1<<CAP_KILL, or 0.
func capSet(m uint64) string {
	if m == 0 {
		return "0"
	}
	var out []string
	for c := uint64(0); c < 64; c++ {
		if m&(1<<c) == 0 {
			continue
		}
		if n := capabilities.name(c); n != "" {
			out = append(out, "1<<"+n)
			m &^= 1 << c
		}
	}
	if m != 0 {
		out = append(out, hex(m))
	}
	return strings.Join(out, "|")
}

var seccompOps = enum{"SECCOMP", []flag{
	{0, "SECCOMP_SET_MODE_STRICT"}, {1, "SECCOMP_SET_MODE_FILTER"}, {2, "SECCOMP_GET_ACTION_AVAIL"},
	{3, "SECCOMP_GET_NOTIF_SIZES"},
}}

var seccompFilterFlags = flags{"SECCOMP_FILTER_FLAG", []flag{
	{1, "SECCOMP_FILTER_FLAG_TSYNC"}, {2, "SECCOMP_FILTER_FLAG_LOG"}, {4, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
	{8, "SECCOMP_FILTER_FLAG_NEW_LISTENER"}, {16, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"},
	{32, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
}}

var seccompActions = enum{"SECCOMP_RET", []flag{
	{0x80000000, "SECCOMP_RET_KILL_PROCESS"}, {0, "SECCOMP_RET_KILL_THREAD"}, {0x30000, "SECCOMP_RET_TRAP"},
	{0x50000, "SECCOMP_RET_ERRNO"}, {0x7fc00000, "SECCOMP_RET_USER_NOTIF"}, {0x7ff00000, "SECCOMP_RET_TRACE"},
	{0x7ffc0000, "SECCOMP_RET_LOG"}, {0x7fff0000, "SECCOMP_RET_ALLOW"},
}}

// seccompFlags prints seccomp(2)'s flags: named for SET_MODE_FILTER, hex
// for the operations that take none.
func seccompFlags(a arg) string {
	if a.c.Args[0]&0xffffffff == 1 {
		return seccompFilterFlags.format(a.v & 0xffffffff)
	}
	return hex(a.v & 0xffffffff)
}

// seccompArgs prints seccomp(2)'s third argument for the operations
// whose argument is small: the action GET_ACTION_AVAIL asks about. A
// filter program prints as its address (strace disassembles it).
func seccompArgs(a arg) string {
	if a.c.Args[0]&0xffffffff == 2 && a.v != 0 {
		v, ok := readU32(a.mem, a.v)
		if !ok {
			return pointer(a.v)
		}
		return "[" + seccompActions.format(uint64(v)) + "]"
	}
	return pointer(a.v)
}

var itimers = enum{"ITIMER", []flag{{0, "ITIMER_REAL"}, {1, "ITIMER_VIRTUAL"}, {2, "ITIMER_PROF"}}}

// itimerval prints struct itimerval.
func itimerval(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 32)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{it_interval={tv_sec=%d, tv_usec=%d}, it_value={tv_sec=%d, tv_usec=%d}}",
		int64(le.Uint64(b)), int64(le.Uint64(b[8:])), int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:])))
}

// tms prints struct tms.
func tms(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 32)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{tms_utime=%d, tms_stime=%d, tms_cutime=%d, tms_cstime=%d}",
		int64(le.Uint64(b)), int64(le.Uint64(b[8:])), int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:])))
}

// sysinfoText prints struct sysinfo in full, as strace does.
func sysinfoText(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 112)
	if !ok {
		return pointer(addr)
	}
	u := func(off int) uint64 { return le.Uint64(b[off:]) }
	return fmt.Sprintf("{uptime=%d, loads=[%d, %d, %d], totalram=%d, freeram=%d, sharedram=%d, bufferram=%d, "+
		"totalswap=%d, freeswap=%d, procs=%d, totalhigh=%d, freehigh=%d, mem_unit=%d}",
		int64(u(0)), u(8), u(16), u(24), u(32), u(40), u(48), u(56), u(64), u(72), le.Uint16(b[80:]),
		u(88), u(96), le.Uint32(b[104:]))
}

var resolveFlags = flags{"RESOLVE", []flag{
	{1, "RESOLVE_NO_XDEV"}, {2, "RESOLVE_NO_MAGICLINKS"}, {4, "RESOLVE_NO_SYMLINKS"}, {8, "RESOLVE_BENEATH"},
	{16, "RESOLVE_IN_ROOT"}, {32, "RESOLVE_CACHED"},
}}

// openHow prints openat2(2)'s struct open_how of size bytes: the mode only
// with O_CREAT or O_TMPFILE, as for open.
func openHow(mem Memory, addr, size uint64) string {
	if size < 24 {
		return pointer(addr)
	}
	b, ok := readFull(mem, addr, 24)
	if !ok {
		return pointer(addr)
	}
	fl, mode, res := le.Uint64(b), le.Uint64(b[8:]), le.Uint64(b[16:])
	s := "{flags=" + openMode(fl)
	if fl&oCreat != 0 || fl&oTmpfile == oTmpfile {
		s += ", mode=" + octal(mode&0xffff)
	}
	if res != 0 {
		s += ", resolve=" + resolveFlags.format(res)
	}
	return s + "}"
}
