package decode

import (
	"fmt"
	"strings"
)

// ioctlNames are the generic requests strace names (asm-generic/ioctls.h):
// the terminal and file ones every program issues. Where two drivers share
// a number strace names both, as here for the OSS timer's.
var ioctlNames = enum{"", []flag{
	{0x5401, "TCGETS"}, {0x5402, "SNDCTL_TMR_START or TCSETS"}, {0x5403, "SNDCTL_TMR_STOP or TCSETSW"},
	{0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"}, {0x5409, "TCSBRK"},
	{0x540B, "TCFLSH"}, {0x540E, "TIOCSCTTY"}, {0x540F, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"},
	{0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"}, {0x541B, "FIONREAD"}, {0x5421, "FIONBIO"},
	{0x5422, "TIOCNOTTY"}, {0x5429, "TIOCGSID"}, {0x5450, "FIONCLEX"}, {0x5451, "FIOCLEX"},
	{0x5452, "FIOASYNC"}, {0x80045430, "TIOCGPTN"}, {0x40045431, "TIOCSPTLCK"}, {0x5441, "TIOCGPTPEER"},
	{0x40049409, "BTRFS_IOC_CLONE or FICLONE"},
}}

// ioctlRequest prints a request: its name, or strace's _IOC(dir, type,
// nr, size) split of the number (asm-generic/ioctl.h).
func ioctlRequest(v uint64) string {
	v &= 0xffffffff
	if n := ioctlNames.name(v); n != "" {
		return n
	}
	dir := v >> 30
	var d []string
	if dir == 0 {
		d = []string{"_IOC_NONE"}
	}
	if dir&2 != 0 {
		d = append(d, "_IOC_READ")
	}
	if dir&1 != 0 {
		d = append(d, "_IOC_WRITE")
	}
	return fmt.Sprintf("_IOC(%s, %s, %s, %s)", strings.Join(d, "|"), hex(v>>8&0xff), hex(v&0xff), hex(v>>16&0x3fff))
}

// ioctlArg prints the third argument of the requests that have a known
// argument: an int pointer, a window size; otherwise a request strace
// knows gets its address (NULL or hex) and an unknown one its value.
func ioctlArg(a arg) string {
	req := a.c.Args[1] & 0xffffffff
	switch req {
	case 0x5421, 0x5452, 0x5410, 0x40045431: // FIONBIO, FIOASYNC, TIOCSPGRP, TIOCSPTLCK: int in
		return intPointee(a.mem, a.v)
	case 0x5414: // TIOCSWINSZ
		return winsize(a.mem, a.v)
	case 0x5402, 0x5403, 0x5404: // TCSETS, TCSETSW, TCSETSF
		return termios(a.mem, a.v)
	case 0x5450, 0x5451, 0x5422: // FIONCLEX, FIOCLEX, TIOCNOTTY: none
		return omit
	case 0x5409, 0x540B, 0x540E, 0x40049409: // TCSBRK, TCFLSH, TIOCSCTTY, FICLONE: a number
		return fmt.Sprint(int32(a.v))
	}
	if ioctlNames.name(req) != "" {
		return pointer(a.v)
	}
	return hex(a.v)
}

// ioctlOutArg is what the getters wrote, at exit.
func ioctlOutArg(a arg) string {
	switch a.c.Args[1] & 0xffffffff {
	case 0x5413:
		return winsize(a.mem, a.v)
	case 0x5401:
		return termios(a.mem, a.v)
	case 0x541B, 0x540F, 0x5429, 0x80045430:
		return intPointee(a.mem, a.v)
	}
	return ""
}

// winsize prints struct winsize.
func winsize(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 8)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{ws_row=%d, ws_col=%d, ws_xpixel=%d, ws_ypixel=%d}",
		le.Uint16(b), le.Uint16(b[2:]), le.Uint16(b[4:]), le.Uint16(b[6:]))
}

func ioctlEntryArg(a arg) string {
	if a.c.Args[1]&0xffffffff == 0x5401 || a.c.Args[1]&0xffffffff == 0x5413 || a.c.Args[1]&0xffffffff == 0x541B ||
		a.c.Args[1]&0xffffffff == 0x540F || a.c.Args[1]&0xffffffff == 0x5429 || a.c.Args[1]&0xffffffff == 0x80045430 {
		return deferred
	}
	return ioctlArg(a)
}

func ioctlExitArg(a arg) string {
	if a.c.Errno() != 0 {
		return pointer(a.v)
	}
	return ioctlOutArg(a)
}
