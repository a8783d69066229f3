package decode

import (
	"fmt"
	"strings"
)

// The terminal flags of struct termios (asm-generic/termbits.h), in
// strace's print order.
var (
	termIflags = []flag{
		{0x1, "IGNBRK"}, {0x2, "BRKINT"}, {0x4, "IGNPAR"}, {0x8, "PARMRK"}, {0x10, "INPCK"}, {0x20, "ISTRIP"},
		{0x40, "INLCR"}, {0x80, "IGNCR"}, {0x100, "ICRNL"}, {0x200, "IUCLC"}, {0x400, "IXON"}, {0x800, "IXANY"},
		{0x1000, "IXOFF"}, {0x2000, "IMAXBEL"}, {0x4000, "IUTF8"},
	}
	termOflags = []flag{
		{0x1, "OPOST"}, {0x2, "OLCUC"}, {0x4, "ONLCR"}, {0x8, "OCRNL"}, {0x10, "ONOCR"}, {0x20, "ONLRET"},
		{0x40, "OFILL"}, {0x80, "OFDEL"},
	}
	termCflags = []flag{
		{0x40, "CSTOPB"}, {0x80, "CREAD"}, {0x100, "PARENB"}, {0x200, "PARODD"}, {0x400, "HUPCL"},
		{0x800, "CLOCAL"}, {0x40000000, "CMSPAR"}, {0x80000000, "CRTSCTS"},
	}
	termLflags = []flag{
		{0x1, "ISIG"}, {0x2, "ICANON"}, {0x4, "XCASE"}, {0x8, "ECHO"}, {0x10, "ECHOE"}, {0x20, "ECHOK"},
		{0x40, "ECHONL"}, {0x80, "NOFLSH"}, {0x8000, "IEXTEN"}, {0x200, "ECHOCTL"}, {0x400, "ECHOPRT"},
		{0x800, "ECHOKE"}, {0x1000, "FLUSHO"}, {0x4000, "PENDIN"}, {0x100, "TOSTOP"}, {0x10000, "EXTPROC"},
	}
	// termOdelays are c_oflag's delay fields: mask, then the names of its values.
	termOdelays = []struct {
		mask  uint64
		names []flag
	}{
		{0x100, []flag{{0, "NL0"}, {0x100, "NL1"}}},
		{0x600, []flag{{0, "CR0"}, {0x200, "CR1"}, {0x400, "CR2"}, {0x600, "CR3"}}},
		{0x1800, []flag{{0, "TAB0"}, {0x800, "TAB1"}, {0x1000, "TAB2"}, {0x1800, "XTABS"}}},
		{0x2000, []flag{{0, "BS0"}, {0x2000, "BS1"}}},
		{0x4000, []flag{{0, "VT0"}, {0x4000, "VT1"}}},
		{0x8000, []flag{{0, "FF0"}, {0x8000, "FF1"}}},
	}
	termBauds = enum{"B", []flag{
		{0, "B0"}, {1, "B50"}, {2, "B75"}, {3, "B110"}, {4, "B134"}, {5, "B150"}, {6, "B200"}, {7, "B300"},
		{8, "B600"}, {9, "B1200"}, {10, "B1800"}, {11, "B2400"}, {12, "B4800"}, {13, "B9600"}, {14, "B19200"},
		{15, "B38400"}, {0x1000, "BOTHER"}, {0x1001, "B57600"}, {0x1002, "B115200"}, {0x1003, "B230400"},
		{0x1004, "B460800"}, {0x1005, "B500000"}, {0x1006, "B576000"}, {0x1007, "B921600"}, {0x1008, "B1000000"},
		{0x1009, "B1152000"}, {0x100a, "B1500000"}, {0x100b, "B2000000"}, {0x100c, "B2500000"},
		{0x100d, "B3000000"}, {0x100e, "B3500000"}, {0x100f, "B4000000"},
	}}
)

// termFlags joins the names of v's bits and the unknown rest in hex; no
// bits print as nothing at all (strace's "c_iflag=").
func termFlags(list []flag, v uint64) string {
	names, rest := flags{list: list}.split(v)
	if rest != 0 {
		names = append(names, hex(rest))
	}
	return strings.Join(names, "|")
}

func termOflag(v uint64) string {
	var parts []string
	for _, d := range termOdelays {
		parts = append(parts, enum{list: d.names}.name(v&d.mask))
		v &^= d.mask
	}
	return strings.Join(parts, "|") + "|" + termFlags(termOflags, v)
}

const cbaud, csize, ibshift = 0x100f, 0x30, 16

func termCflag(v uint64) string {
	s := termBauds.format(v & cbaud)
	if in := v >> ibshift & cbaud; in != 0 {
		s += "|" + termBauds.format(in) + "<<IBSHIFT"
	}
	s += fmt.Sprintf("|CS%d|", 5+(v&csize)>>4)
	return s + termFlags(termCflags, v&^(cbaud|cbaud<<ibshift|csize))
}

// termios prints the kernel's struct termios abbreviated as strace does.
func termios(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 36)
	if !ok {
		return pointer(addr)
	}
	u := func(i int) uint64 { return uint64(le.Uint32(b[i*4:])) }
	return fmt.Sprintf("{c_iflag=%s, c_oflag=%s, c_cflag=%s, c_lflag=%s, ...}",
		termFlags(termIflags, u(0)), termOflag(u(1)), termCflag(u(2)), termFlags(termLflags, u(3)))
}
