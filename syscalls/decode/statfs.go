package decode

import (
	"fmt"
	"strings"
)

// fsMagics are the f_type values of linux/magic.h that strace names, for
// the file systems a Linux machine mounts.
var fsMagics = enum{"", []flag{
	{0xef53, "EXT2_SUPER_MAGIC"}, {0x01021994, "TMPFS_MAGIC"}, {0x9fa0, "PROC_SUPER_MAGIC"},
	{0x62656572, "SYSFS_MAGIC"}, {0x1cd1, "DEVPTS_SUPER_MAGIC"}, {0x27e0eb, "CGROUP_SUPER_MAGIC"},
	{0x63677270, "CGROUP2_SUPER_MAGIC"}, {0x794c7630, "OVERLAYFS_SUPER_MAGIC"}, {0x9123683e, "BTRFS_SUPER_MAGIC"},
	{0x58465342, "XFS_SUPER_MAGIC"}, {0x6969, "NFS_SUPER_MAGIC"}, {0x65735546, "FUSE_SUPER_MAGIC"},
	{0x73636673, "SECURITYFS_MAGIC"}, {0xcafe4a11, "BPF_FS_MAGIC"}, {0x64626720, "DEBUGFS_MAGIC"},
	{0x74726163, "TRACEFS_MAGIC"}, {0x958458f6, "HUGETLBFS_MAGIC"}, {0x19800202, "MQUEUE_MAGIC"},
	{0x4d44, "MSDOS_SUPER_MAGIC"}, {0x9660, "ISOFS_SUPER_MAGIC"}, {0x73717368, "SQUASHFS_MAGIC"},
	{0x858458f6, "RAMFS_MAGIC"}, {0x6e736673, "NSFS_MAGIC"}, {0x50495045, "PIPEFS_MAGIC"},
	{0x534f434b, "SOCKFS_MAGIC"}, {0x42494e4d, "BINFMTFS_MAGIC"}, {0x67596969, "RPCAUTH_GSSMAGIC"},
	{0x6165676c, "PSTOREFS_MAGIC"}, {0xde5e81e4, "EFIVARFS_MAGIC"}, {0x2fc12fc1, "ZFS_SUPER_MAGIC"},
}}

var statfsFlags = flags{"ST", []flag{
	{0x20, "ST_VALID"}, {0x1, "ST_RDONLY"}, {0x2, "ST_NOSUID"}, {0x4, "ST_NODEV"}, {0x8, "ST_NOEXEC"},
	{0x10, "ST_SYNCHRONOUS"}, {0x40, "ST_MANDLOCK"}, {0x400, "ST_NOATIME"}, {0x800, "ST_NODIRATIME"},
	{0x1000, "ST_RELATIME"}, {0x2000, "ST_NOSYMFOLLOW"},
}}

// statfsText prints struct statfs (asm-generic/statfs.h, x86-64) in full,
// as strace does.
func statfsText(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 120)
	if !ok {
		return pointer(addr)
	}
	u := func(off int) uint64 { return le.Uint64(b[off:]) }
	ftype := fsMagics.name(u(0))
	if ftype == "" {
		ftype = hex(u(0))
	}
	return fmt.Sprintf("{f_type=%s, f_bsize=%d, f_blocks=%d, f_bfree=%d, f_bavail=%d, f_files=%d, f_ffree=%d, "+
		"f_fsid={val=[%s, %s]}, f_namelen=%d, f_frsize=%d, f_flags=%s}",
		ftype, int64(u(8)), u(16), u(24), u(32), u(40), u(48), hex(uint64(le.Uint32(b[56:]))),
		hex(uint64(le.Uint32(b[60:]))), int64(u(64)), int64(u(72)), statfsFlags.format(u(80)))
}

// gidList prints getgroups' n group IDs: [0, 1].
func gidList(mem Memory, addr, n uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if n > 65536 {
		return hex(addr)
	}
	b, ok := readFull(mem, addr, int(n)*4)
	if !ok {
		return hex(addr)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(le.Uint32(b[i*4:]))
	}
	return "[" + strings.Join(out, ", ") + "]"
}
