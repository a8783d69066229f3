package decode

import (
	"fmt"
	"strings"
)

// A flag is one named value of a flag set or an enumeration.
type flag struct {
	v    uint64
	name string
}

// flags is a set of bit flags in strace's print order (its xlat tables'
// order, which is not always numeric: O_CLOEXEC prints before
// O_DIRECTORY). A flag of several bits (O_SYNC includes O_DSYNC) takes
// them all, so list it before its parts.
type flags struct {
	prefix string // for the unknown-value comment: /* O_??? */
	list   []flag
}

// format prints v as NAME|NAME|0xREST; "0" for zero; and a value with no
// known bit as `0x40 /* AT_??? */`.
func (fs flags) format(v uint64) string {
	if v == 0 {
		return "0"
	}
	names, rest := fs.split(v)
	return joinFlags(names, rest, fs.prefix)
}

// split takes the known flags out of v in print order.
func (fs flags) split(v uint64) (names []string, rest uint64) {
	for _, f := range fs.list {
		if f.v != 0 && v&f.v == f.v {
			names = append(names, f.name)
			v &^= f.v
		}
	}
	return names, v
}

func joinFlags(names []string, rest uint64, prefix string) string {
	if len(names) == 0 {
		return fmt.Sprintf("%#x /* %s_??? */", rest, prefix)
	}
	if rest != 0 {
		names = append(names, hex(rest))
	}
	return strings.Join(names, "|")
}

// enum is a set of exclusive values (commands, families, clocks).
type enum struct {
	prefix string
	list   []flag
}

// name is v's name, or "" when unknown.
func (e enum) name(v uint64) string {
	for _, f := range e.list {
		if f.v == v {
			return f.name
		}
	}
	return ""
}

// format prints v's name, or `0x63 /* RLIMIT_??? */` as strace does.
func (e enum) format(v uint64) string {
	if n := e.name(v); n != "" {
		return n
	}
	return fmt.Sprintf("%#x /* %s_??? */", v, e.prefix)
}

// Open flags (fcntl.h; strace's open_mode_flags order).
const (
	oAccMode = 0x3
	oCreat   = 0x40
	oTmpfile = 0x410000
)

var openAccess = enum{"O", []flag{{0, "O_RDONLY"}, {1, "O_WRONLY"}, {2, "O_RDWR"}, {3, "O_ACCMODE"}}}

var openFlags = flags{"O", []flag{
	{0x40, "O_CREAT"}, {0x80, "O_EXCL"}, {0x100, "O_NOCTTY"}, {0x200, "O_TRUNC"}, {0x400, "O_APPEND"},
	{0x800, "O_NONBLOCK"}, {0x101000, "O_SYNC"}, {0x1000, "O_DSYNC"}, {0x4000, "O_DIRECT"}, {0x8000, "O_LARGEFILE"},
	{0x20000, "O_NOFOLLOW"}, {0x40000, "O_NOATIME"}, {0x80000, "O_CLOEXEC"}, {0x200000, "O_PATH"},
	{0x410000, "O_TMPFILE"}, {0x10000, "O_DIRECTORY"}, {0x2000, "FASYNC"},
}}

// openMode prints open(2)'s flags: the access mode, always, then the rest.
func openMode(v uint64) string {
	v &= 0xffffffff
	names, rest := openFlags.split(v &^ oAccMode)
	return joinFlags(append([]string{openAccess.format(v & oAccMode)}, names...), rest, "O")
}

// fdFlags are O_* flags without an access mode (dup3, pipe2).
func fdFlags(v uint64) string { return openFlags.format(v & 0xffffffff) }

var atFlags = flags{"AT", []flag{
	{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"}, {0x400, "AT_SYMLINK_FOLLOW"},
	{0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"}, {0x8000, "AT_RECURSIVE"},
}}

// faccessat2's AT_EACCESS shares its bit with AT_REMOVEDIR.
var accessAtFlags = flags{"AT", []flag{
	{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_EACCESS"}, {0x1000, "AT_EMPTY_PATH"},
}}

var statxAtFlags = flags{"AT", append([]flag{
	{0x2000, "AT_STATX_FORCE_SYNC"}, {0x4000, "AT_STATX_DONT_SYNC"},
}, atFlags.list...)}

// statxFlags prints statx(2)'s flags: the sync type 0 has a name.
func statxFlags(v uint64) string {
	v &= 0xffffffff
	names, rest := statxAtFlags.split(v)
	if v&0x6000 == 0 {
		names = append([]string{"AT_STATX_SYNC_AS_STAT"}, names...)
	}
	return joinFlags(names, rest, "AT")
}

var accessModes = flags{"", []flag{{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}}}

func accessMode(v uint64) string {
	if v == 0 {
		return "F_OK"
	}
	return accessModes.format(v & 0xffffffff)
}

var protFlags = flags{"PROT", []flag{
	{1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}, {8, "PROT_SEM"},
	{0x1000000, "PROT_GROWSDOWN"}, {0x2000000, "PROT_GROWSUP"},
}}

func prot(v uint64) string {
	v &= 0xffffffff
	if v == 0 {
		return "PROT_NONE"
	}
	return protFlags.format(v)
}

var mapTypes = enum{"MAP", []flag{{0, "MAP_FILE"}, {1, "MAP_SHARED"}, {2, "MAP_PRIVATE"}, {3, "MAP_SHARED_VALIDATE"}}}

var mapFlags = flags{"MAP", []flag{
	{0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x40, "MAP_32BIT"}, {0x4000, "MAP_NORESERVE"},
	{0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"}, {0x100, "MAP_GROWSDOWN"}, {0x800, "MAP_DENYWRITE"},
	{0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"}, {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"},
	{0x80000, "MAP_SYNC"}, {0x100000, "MAP_FIXED_NOREPLACE"},
}}

const mapHugeShift = 26

// mmapFlags prints mmap(2)'s flags: the mapping type (low 4 bits), the
// flags, the rest in hex and the huge page size as N<<MAP_HUGE_SHIFT.
func mmapFlags(v uint64) string {
	v &= 0xffffffff
	parts := []string{mapTypes.format(v & 0xf)}
	names, rest := mapFlags.split(v &^ 0xf &^ (0x3f << mapHugeShift))
	parts = append(parts, names...)
	if rest != 0 {
		parts = append(parts, hex(rest))
	}
	if h := v >> mapHugeShift & 0x3f; h != 0 {
		parts = append(parts, fmt.Sprintf("%d<<MAP_HUGE_SHIFT", h))
	}
	return strings.Join(parts, "|")
}

var madvise = enum{"MADV", []flag{
	{0, "MADV_NORMAL"}, {1, "MADV_RANDOM"}, {2, "MADV_SEQUENTIAL"}, {3, "MADV_WILLNEED"}, {4, "MADV_DONTNEED"},
	{8, "MADV_FREE"}, {9, "MADV_REMOVE"}, {10, "MADV_DONTFORK"}, {11, "MADV_DOFORK"}, {12, "MADV_MERGEABLE"},
	{13, "MADV_UNMERGEABLE"}, {14, "MADV_HUGEPAGE"}, {15, "MADV_NOHUGEPAGE"}, {16, "MADV_DONTDUMP"},
	{17, "MADV_DODUMP"}, {18, "MADV_WIPEONFORK"}, {19, "MADV_KEEPONFORK"}, {20, "MADV_COLD"},
	{21, "MADV_PAGEOUT"}, {22, "MADV_POPULATE_READ"}, {23, "MADV_POPULATE_WRITE"}, {24, "MADV_DONTNEED_LOCKED"},
	{100, "MADV_HWPOISON"}, {101, "MADV_SOFT_OFFLINE"},
}}

var cloneFlags = flags{"CLONE", []flag{
	{0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
	{0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"},
	{0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
	{0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"}, {0x800000, "CLONE_UNTRACED"},
	{0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"}, {0x4000000, "CLONE_NEWUTS"},
	{0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"}, {0x20000000, "CLONE_NEWPID"},
	{0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"},
}}

var epollCloexec = flags{"EPOLL", []flag{{0x80000, "EPOLL_CLOEXEC"}}}

var grndFlags = flags{"GRND", []flag{{1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"}}}

var waitOptions = flags{"W", []flag{
	{1, "WNOHANG"}, {4, "WEXITED"}, {2, "WSTOPPED"}, {8, "WCONTINUED"}, {0x1000000, "WNOWAIT"},
	{0x80000000, "__WCLONE"}, {0x40000000, "__WALL"}, {0x20000000, "__WNOTHREAD"},
}}

var seekWhence = enum{"SEEK", []flag{{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}}}

var archPrctl = enum{"ARCH", []flag{
	{0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"}, {0x1003, "ARCH_GET_FS"}, {0x1004, "ARCH_GET_GS"},
	{0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"}, {0x1021, "ARCH_GET_XCOMP_SUPP"},
	{0x1022, "ARCH_GET_XCOMP_PERM"}, {0x1023, "ARCH_REQ_XCOMP_PERM"}, {0x1024, "ARCH_GET_XCOMP_GUEST_PERM"},
	{0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"}, {0x2001, "ARCH_MAP_VDSO_X32"}, {0x2002, "ARCH_MAP_VDSO_32"},
	{0x2003, "ARCH_MAP_VDSO_64"},
}}

var clocks = enum{"CLOCK", []flag{
	{0, "CLOCK_REALTIME"}, {1, "CLOCK_MONOTONIC"}, {2, "CLOCK_PROCESS_CPUTIME_ID"}, {3, "CLOCK_THREAD_CPUTIME_ID"},
	{4, "CLOCK_MONOTONIC_RAW"}, {5, "CLOCK_REALTIME_COARSE"}, {6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"},
	{8, "CLOCK_REALTIME_ALARM"}, {9, "CLOCK_BOOTTIME_ALARM"}, {11, "CLOCK_TAI"},
}}

var timerFlags = flags{"TIMER", []flag{{1, "TIMER_ABSTIME"}}}

var rlimits = enum{"RLIMIT", []flag{
	{0, "RLIMIT_CPU"}, {1, "RLIMIT_FSIZE"}, {2, "RLIMIT_DATA"}, {3, "RLIMIT_STACK"}, {4, "RLIMIT_CORE"},
	{5, "RLIMIT_RSS"}, {6, "RLIMIT_NPROC"}, {7, "RLIMIT_NOFILE"}, {8, "RLIMIT_MEMLOCK"}, {9, "RLIMIT_AS"},
	{10, "RLIMIT_LOCKS"}, {11, "RLIMIT_SIGPENDING"}, {12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"},
	{14, "RLIMIT_RTPRIO"}, {15, "RLIMIT_RTTIME"},
}}

var fadvice = enum{"POSIX_FADV", []flag{
	{0, "POSIX_FADV_NORMAL"}, {1, "POSIX_FADV_RANDOM"}, {2, "POSIX_FADV_SEQUENTIAL"}, {3, "POSIX_FADV_WILLNEED"},
	{4, "POSIX_FADV_DONTNEED"}, {5, "POSIX_FADV_NOREUSE"},
}}

var msyncFlags = flags{"MS", []flag{{1, "MS_ASYNC"}, {4, "MS_SYNC"}, {2, "MS_INVALIDATE"}}}

var mremapFlags = flags{"MREMAP", []flag{{1, "MREMAP_MAYMOVE"}, {2, "MREMAP_FIXED"}, {4, "MREMAP_DONTUNMAP"}}}

var closeRangeFlags = flags{"CLOSE_RANGE", []flag{{2, "CLOSE_RANGE_UNSHARE"}, {4, "CLOSE_RANGE_CLOEXEC"}}}

var renameFlags = flags{"RENAME", []flag{{1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}}}

var memfdFlags = flags{"MFD", []flag{
	{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}, {8, "MFD_NOEXEC_SEAL"}, {0x10, "MFD_EXEC"},
}}

var eventfdFlags = flags{"EFD", []flag{{1, "EFD_SEMAPHORE"}, {0x80000, "EFD_CLOEXEC"}, {0x800, "EFD_NONBLOCK"}}}

var prioWhich = enum{"PRIO", []flag{{0, "PRIO_PROCESS"}, {1, "PRIO_PGRP"}, {2, "PRIO_USER"}}}

// openModeArg prints open's mode only when O_CREAT or O_TMPFILE asks for
// one (the flags are the argument before).
func openModeArg(a arg) string {
	fl := a.c.Args[a.i-1]
	if fl&oCreat == 0 && fl&oTmpfile != oTmpfile {
		return omit
	}
	return octal(a.v & 0xffff)
}
