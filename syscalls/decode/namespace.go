package decode

import (
	"fmt"
	"strings"
)

// The calls a container runtime makes (mount(2), umount(2), unshare(2),
// setns(2), pivot_root(2)) and the fd-creating calls around them.

var mountFlags = flags{"MS", []flag{
	{1, "MS_RDONLY"}, {2, "MS_NOSUID"}, {4, "MS_NODEV"}, {8, "MS_NOEXEC"}, {0x10, "MS_SYNCHRONOUS"},
	{0x20, "MS_REMOUNT"}, {0x40, "MS_MANDLOCK"}, {0x80, "MS_DIRSYNC"}, {0x100, "MS_NOSYMFOLLOW"},
	{0x400, "MS_NOATIME"}, {0x800, "MS_NODIRATIME"}, {0x1000, "MS_BIND"}, {0x2000, "MS_MOVE"},
	{0x4000, "MS_REC"}, {0x8000, "MS_SILENT"}, {1 << 16, "MS_POSIXACL"}, {1 << 17, "MS_UNBINDABLE"},
	{1 << 18, "MS_PRIVATE"}, {1 << 19, "MS_SLAVE"}, {1 << 20, "MS_SHARED"}, {1 << 21, "MS_RELATIME"},
	{1 << 22, "MS_KERNMOUNT"}, {1 << 23, "MS_I_VERSION"}, {1 << 24, "MS_STRICTATIME"}, {1 << 25, "MS_LAZYTIME"},
}}

const msMgcVal, msMgcMask = 0xc0ed0000, 0xffff0000

// mountFlagsText prints mount(2)'s flags, with the old magic number in the
// high half named MS_MGC_VAL.
func mountFlagsText(v uint64) string {
	if v&msMgcMask == msMgcVal {
		rest := v &^ msMgcMask
		if rest == 0 {
			return "MS_MGC_VAL"
		}
		return "MS_MGC_VAL|" + mountFlags.format(rest)
	}
	return mountFlags.format(v)
}

var umountFlags = flags{"MNT", []flag{{1, "MNT_FORCE"}, {2, "MNT_DETACH"}, {4, "MNT_EXPIRE"}, {8, "UMOUNT_NOFOLLOW"}}}

var flockOps = flags{"LOCK", []flag{
	{1, "LOCK_SH"}, {2, "LOCK_EX"}, {4, "LOCK_NB"}, {8, "LOCK_UN"}, {32, "LOCK_MAND"}, {64, "LOCK_READ"}, {128, "LOCK_WRITE"},
}}

var inotifyInitFlags = flags{"IN", []flag{{0x800, "IN_NONBLOCK"}, {0x80000, "IN_CLOEXEC"}}}

var inotifyMask = flags{"IN", []flag{
	{0x1, "IN_ACCESS"}, {0x2, "IN_MODIFY"}, {0x4, "IN_ATTRIB"}, {0x8, "IN_CLOSE_WRITE"}, {0x10, "IN_CLOSE_NOWRITE"},
	{0x20, "IN_OPEN"}, {0x40, "IN_MOVED_FROM"}, {0x80, "IN_MOVED_TO"}, {0x100, "IN_CREATE"}, {0x200, "IN_DELETE"},
	{0x400, "IN_DELETE_SELF"}, {0x800, "IN_MOVE_SELF"}, {0x2000, "IN_UNMOUNT"}, {0x4000, "IN_Q_OVERFLOW"},
	{0x8000, "IN_IGNORED"}, {0x1000000, "IN_ONLYDIR"}, {0x2000000, "IN_DONT_FOLLOW"}, {0x4000000, "IN_EXCL_UNLINK"},
	{0x10000000, "IN_MASK_CREATE"}, {0x20000000, "IN_MASK_ADD"}, {0x40000000, "IN_ISDIR"}, {0x80000000, "IN_ONESHOT"},
}}

var timerfdFlags = flags{"TFD", []flag{{0x80000, "TFD_CLOEXEC"}, {0x800, "TFD_NONBLOCK"}}}

var signalfdFlags = flags{"SFD", []flag{{0x80000, "SFD_CLOEXEC"}, {0x800, "SFD_NONBLOCK"}}}

var pidfdFlags = flags{"PIDFD", []flag{{0x800, "PIDFD_NONBLOCK"}}}

// fdSet prints an fd_set of nfds bits as strace does: [0 3].
func fdSet(mem Memory, addr, nfds uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if nfds > 1<<16 {
		return hex(addr)
	}
	b, ok := readFull(mem, addr, int((nfds+63)/64*8))
	if !ok {
		return hex(addr)
	}
	var fds []string
	for fd := uint64(0); fd < nfds; fd++ {
		if b[fd/8]&(1<<(fd%8)) != 0 {
			fds = append(fds, fmt.Sprint(fd))
		}
	}
	return "[" + strings.Join(fds, " ") + "]"
}

// selectNote is strace's note after select's result: the ready sets and
// the time left, (in [0], left {tv_sec=0, tv_usec=0}); or (Timeout).
func selectNote(c *Call, mem Memory) string {
	if c.Ret == 0 {
		return "Timeout"
	}
	var parts []string
	for i, name := range []string{"in", "out", "except"} {
		if s := fdSet(mem, c.Args[i+1], c.Args[0]&0xffffffff); c.Args[i+1] != 0 && s != "[]" {
			parts = append(parts, name+" "+s)
		}
	}
	if c.Args[4] != 0 {
		parts = append(parts, "left "+timeval(mem, c.Args[4]))
	}
	return strings.Join(parts, ", ")
}
