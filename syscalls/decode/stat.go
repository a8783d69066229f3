package decode

import "fmt"

// fileTypes are the S_IFMT values of inode(7).
var fileTypes = enum{"S_IF", []flag{
	{0o140000, "S_IFSOCK"}, {0o120000, "S_IFLNK"}, {0o100000, "S_IFREG"}, {0o060000, "S_IFBLK"},
	{0o040000, "S_IFDIR"}, {0o020000, "S_IFCHR"}, {0o010000, "S_IFIFO"},
}}

// fileMode prints st_mode as strace does: S_IFDIR|S_ISVTX|0777.
func fileMode(m uint64) string {
	s := ""
	if t := m & 0o170000; t != 0 {
		if n := fileTypes.name(t); n != "" {
			s = n + "|"
		} else {
			s = fmt.Sprintf("%#o|", t)
		}
	}
	for _, f := range []flag{{0o4000, "S_ISUID"}, {0o2000, "S_ISGID"}, {0o1000, "S_ISVTX"}} {
		if m&f.v != 0 {
			s += f.name + "|"
		}
	}
	return s + octal(m&0o777)
}

// octal is C's %#03o: 0644, 022, 000.
func octal(v uint64) string { return fmt.Sprintf("%#03o", v) }

// makedev prints a device number as glibc's major/minor split.
func makedev(dev uint64) string {
	major := dev>>8&0xfff | dev>>32&^0xfff
	minor := dev&0xff | dev>>12&^0xff
	return fmt.Sprintf("makedev(%s, %s)", hex(major), hex(minor))
}

// isDevice says the mode is a character or block device: strace shows
// st_rdev for those instead of st_size.
func isDevice(mode uint64) bool {
	t := mode & 0o170000
	return t == 0o020000 || t == 0o060000
}

// stat prints struct stat (x86-64 asm/stat.h) abbreviated as strace does:
// {st_mode=S_IFREG|0644, st_size=3072, ...}.
func stat(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 144)
	if !ok {
		return pointer(addr)
	}
	mode := uint64(le.Uint32(b[24:]))
	if isDevice(mode) {
		return fmt.Sprintf("{st_mode=%s, st_rdev=%s, ...}", fileMode(mode), makedev(le.Uint64(b[40:])))
	}
	return fmt.Sprintf("{st_mode=%s, st_size=%d, ...}", fileMode(mode), int64(le.Uint64(b[48:])))
}

var statxMask = flags{"STATX", []flag{
	{0xfff, "STATX_ALL"}, {0x7ff, "STATX_BASIC_STATS"}, {0x1, "STATX_TYPE"}, {0x2, "STATX_MODE"},
	{0x4, "STATX_NLINK"}, {0x8, "STATX_UID"}, {0x10, "STATX_GID"}, {0x20, "STATX_ATIME"},
	{0x40, "STATX_MTIME"}, {0x80, "STATX_CTIME"}, {0x100, "STATX_INO"}, {0x200, "STATX_SIZE"},
	{0x400, "STATX_BLOCKS"}, {0x800, "STATX_BTIME"}, {0x1000, "STATX_MNT_ID"}, {0x2000, "STATX_DIOALIGN"},
}}

var statxAttrs = flags{"STATX_ATTR", []flag{
	{0x4, "STATX_ATTR_COMPRESSED"}, {0x10, "STATX_ATTR_IMMUTABLE"}, {0x20, "STATX_ATTR_APPEND"},
	{0x40, "STATX_ATTR_NODUMP"}, {0x800, "STATX_ATTR_ENCRYPTED"}, {0x1000, "STATX_ATTR_AUTOMOUNT"},
	{0x2000, "STATX_ATTR_MOUNT_ROOT"}, {0x100000, "STATX_ATTR_VERITY"}, {0x200000, "STATX_ATTR_DAX"},
}}

// statx prints struct statx (linux/stat.h) abbreviated as strace does.
func statx(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 256)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{stx_mask=%s, stx_attributes=%s, stx_mode=%s, stx_size=%d, ...}",
		statxMask.format(uint64(le.Uint32(b))), statxAttrs.format(le.Uint64(b[8:])),
		fileMode(uint64(le.Uint16(b[28:]))), le.Uint64(b[40:]))
}

// utsname prints struct utsname's first two fields, as strace does.
func utsname(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 65*2)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{sysname=%s, nodename=%s, ...}", fixedString(b[:65]), fixedString(b[65:]))
}

// fixedString quotes a NUL-padded char array.
func fixedString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return quote(b[:i])
		}
	}
	return quote(b) + "..."
}

// dirents prints getdents64's buffer as strace does by default: its
// address and how many entries the kernel wrote in n bytes.
func dirents(mem Memory, addr, n uint64) string {
	b, ok := readFull(mem, addr, int(n))
	if !ok {
		return pointer(addr)
	}
	count := 0
	for off := 0; off+19 <= len(b); count++ {
		reclen := int(le.Uint16(b[off+16:]))
		if reclen == 0 {
			break
		}
		off += reclen
	}
	if count == 1 {
		return hex(addr) + " /* 1 entry */"
	}
	return fmt.Sprintf("%s /* %d entries */", hex(addr), count)
}
