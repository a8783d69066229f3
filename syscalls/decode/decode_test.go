package decode

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// A callCase is one syscall as a tracer sees it (registers at entry, rax
// at exit, memory) and the line strace 6.1 printed for it. The wanted
// lines are copied from `strace -f -qq` runs of cat, ls -l /, sh -c
// 'echo a | cat', a Go program and testdata/*.c on Debian 12 (only the
// addresses our fake memory uses differ).
type callCase struct {
	want string
	args [6]uint64
	ret  int64
	mem  Memory // at entry, and at exit unless exit is set
	exit Memory
}

func (tc callCase) run(t *testing.T) {
	t.Helper()
	name, _, _ := strings.Cut(tc.want, "(")
	nr, ok := systab.Number(name)
	if !ok {
		t.Fatalf("%s: not in the table", name)
	}
	c := Enter(nr, tc.args, tc.mem)
	exit := tc.exit
	if exit == nil {
		exit = tc.mem
	}
	c.Exit(tc.ret, exit)
	if got := c.String(); got != tc.want {
		t.Errorf("got  %s\nwant %s", got, tc.want)
	}
}

const (
	p1 = 0x7ffd0000 + 0x1000*iota
	p2
	p3
	p4
	p5
)

const enoent = -int64(unix.ENOENT)

var fileCases = []callCase{
	{want: `openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3`,
		args: [6]uint64{0xffffffffffffff9c, p1, unix.O_CLOEXEC}, ret: 3, mem: fakeMem{p1: cstr("/etc/ld.so.cache")}},
	{want: `openat(AT_FDCWD, "/usr/lib/locale/locale-archive", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, 0x80000}, ret: enoent, mem: fakeMem{p1: cstr("/usr/lib/locale/locale-archive")}},
	{want: `openat(AT_FDCWD, "\1\177\303\251", O_WRONLY|O_CREAT|O_TRUNC, 0640) = 3`,
		args: [6]uint64{0xffffff9c, p1, 0x241, 0o640}, ret: 3, mem: fakeMem{p1: cstr("\x01\x7f\xc3\xa9")}},
	{want: `openat(AT_FDCWD, 0x8, O_RDONLY) = -1 EFAULT (Bad address)`,
		args: [6]uint64{0xffffff9c, 8, 0}, ret: -int64(unix.EFAULT)},
	{want: `openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)`,
		args: [6]uint64{0xffffff9c, 0, 0}, ret: -int64(unix.EFAULT)},
	{want: `openat(AT_FDCWD, "/nonexistent/x", O_RDONLY|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c, 000) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, 0xfffffffc, 0}, ret: enoent, mem: fakeMem{p1: cstr("/nonexistent/x")}},
	{want: `openat(AT_FDCWD, "/x", O_ACCMODE) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, 3}, ret: enoent, mem: fakeMem{p1: cstr("/x")}},
	{want: `openat(AT_FDCWD, "/x", O_RDONLY|0x4000000) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, 0x4000000}, ret: enoent, mem: fakeMem{p1: cstr("/x")}},
	{want: `openat(AT_FDCWD, "/x", O_RDONLY|O_CREAT, 0177777) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, 0x40, 0xffffffff}, ret: enoent, mem: fakeMem{p1: cstr("/x")}},
	{want: `openat(AT_FDCWD, "/tmp/dec/dir", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 17`,
		args: [6]uint64{0xffffff9c, p1, 0x90800}, ret: 17, mem: fakeMem{p1: cstr("/tmp/dec/dir")}},
	{want: `read(3, "\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0\20t\2\0\0\0\0\0"..., 832) = 832`,
		args: [6]uint64{3, p1, 832}, ret: 832,
		mem: fakeMem{p1: blob("\x7fELF\x02\x01\x01\x03\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\x10t\x02\x00\x00\x00\x00\x00").pad(800)}},
	{want: `read(3, "", 4096) = 0`, args: [6]uint64{3, p1, 4096}, ret: 0, mem: fakeMem{p1: blob{}.pad(16)}},
	{want: `read(0, 0x7ffd0000, 10) = -1 EAGAIN (Resource temporarily unavailable)`,
		args: [6]uint64{0, p1, 10}, ret: -int64(unix.EAGAIN), mem: fakeMem{p1: blob{}.pad(16)}},
	{want: `write(1, "a\0011b\1779\200z", 8) = 8`, args: [6]uint64{1, p1, 8}, ret: 8, mem: fakeMem{p1: []byte("a\x011b\x7f9\x80z")}},
	{want: `write(1, "tab\there\n\"q\\\r\v\f\0", 16) = 16`, args: [6]uint64{1, p1, 16}, ret: 16,
		mem: fakeMem{p1: []byte("tab\there\n\"q\\\r\v\f\x00")}},
	{want: `write(1, "\18\0017\2a\20", 7) = 7`, args: [6]uint64{1, p1, 7}, ret: 7, mem: fakeMem{p1: []byte("\x018\x017\x02a\x10")}},
	{want: `write(1, "01234567890123456789012345678901"..., 33) = 33`, args: [6]uint64{1, p1, 33}, ret: 33,
		mem: fakeMem{p1: []byte("012345678901234567890123456789012")}},
	{want: `write(1, "01234567890123456789012345678901", 32) = 32`, args: [6]uint64{1, p1, 32}, ret: 32,
		mem: fakeMem{p1: []byte("01234567890123456789012345678901")}},
	{want: `write(1, "", 0) = 0`, args: [6]uint64{1, p1, 0}, ret: 0},
	{want: `write(1, 0x8, 3) = 3`, args: [6]uint64{1, 8, 3}, ret: 3},
	{want: `pread64(3, "\6\0\0\0\4\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0"..., 784, 64) = 784`,
		args: [6]uint64{3, p1, 784, 64}, ret: 784, mem: fakeMem{p1: blob{}.u32(6, 4).u64(64, 64, 64).pad(800)}},
	{want: `close(100) = -1 EBADF (Bad file descriptor)`, args: [6]uint64{100}, ret: -int64(unix.EBADF)},
	{want: `newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=35023, ...}, AT_EMPTY_PATH) = 0`,
		args: [6]uint64{3, p1, p2, 0x1000}, mem: fakeMem{p1: cstr(""), p2: statBuf(0o100644, 0, 35023)}},
	{want: `newfstatat(1, "", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, AT_EMPTY_PATH) = 0`,
		args: [6]uint64{1, p1, p2, 0x1000}, mem: fakeMem{p1: cstr(""), p2: statBuf(0o20666, 0x103, 0)}},
	{want: `newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, AT_SYMLINK_NOFOLLOW) = 0`,
		args: [6]uint64{0xffffff9c, p1, p2, 0x100}, mem: fakeMem{p1: cstr("/dev/null"), p2: statBuf(0o20666, 0x103, 0)}},
	{want: `newfstatat(-1, "", NULL, AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff60ff) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffffff, p1, 0, 0xffffffff}, ret: -int64(unix.EINVAL), mem: fakeMem{p1: cstr("")}},
	{want: `newfstatat(-1, "", NULL, 0x1 /* AT_??? */) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffffff, p1, 0, 1}, ret: -int64(unix.EINVAL), mem: fakeMem{p1: cstr("")}},
	{want: `statx(AT_FDCWD, "/tmp", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_MTIME|STATX_SIZE, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFDIR|S_ISVTX|0777, stx_size=12288, ...}) = 0`,
		args: [6]uint64{0xffffff9c, p1, 0x900, 0x25e, p2},
		mem:  fakeMem{p1: cstr("/tmp"), p2: blob{}.u32(0x17ff, 4096).u64(0).u32(2, 0, 0).u16(0o41777, 0).u64(1, 12288).pad(208)}},
	{want: `statx(-1, "", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff00ff, STATX_ALL|STATX_MNT_ID|STATX_DIOALIGN|0xffffc000, NULL) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffffff, p1, 0xffffffff, 0xffffffff, 0}, ret: -int64(unix.EINVAL), mem: fakeMem{p1: cstr("")}},
	{want: `access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{p1, 4}, ret: enoent, mem: fakeMem{p1: cstr("/etc/ld.so.preload")}},
	{want: `access("/x", R_OK|W_OK|X_OK|0xf8) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{p1, 0xff}, ret: -int64(unix.EINVAL), mem: fakeMem{p1: cstr("/x")}},
	{want: `faccessat2(AT_FDCWD, "/x", R_OK|W_OK|X_OK, AT_SYMLINK_NOFOLLOW|AT_EACCESS|AT_EMPTY_PATH|0xffffecff) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffff9c, p1, 7, 0xffffffff}, ret: -int64(unix.EINVAL), mem: fakeMem{p1: cstr("/x")}},
	{want: `dup3(10, 11, O_CLOEXEC) = 11`, args: [6]uint64{10, 11, 0x80000}, ret: 11},
	{want: `dup3(-1, -1, O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003f) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffffff, 0xffffffff, 0xffffffff}, ret: -int64(unix.EINVAL)},
	{want: `pipe2([3, 4], O_CLOEXEC) = 0`, args: [6]uint64{p1, 0x80000}, mem: fakeMem{p1: blob{}.u32(3, 4)}},
	{want: `pipe2([5, 6], 0) = 0`, args: [6]uint64{p1, 0}, mem: fakeMem{p1: blob{}.u32(5, 6)}},
	{want: `fcntl(7, F_GETFD) = 0`, args: [6]uint64{7, 1}, ret: 0},
	{want: `fcntl(7, F_SETFD, FD_CLOEXEC) = 0`, args: [6]uint64{7, 2, 1}, ret: 0},
	{want: `fcntl(7, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE)`, args: [6]uint64{7, 3}, ret: 0x8000},
	{want: `fcntl(7, F_SETFL, O_RDONLY|O_NONBLOCK) = 0`, args: [6]uint64{7, 4, 0x800}, ret: 0},
	{want: `fcntl(7, F_DUPFD_CLOEXEC, 20) = 20`, args: [6]uint64{7, 1030, 20}, ret: 20},
	{want: `fcntl(-1, 0xffff /* F_??? */, 0x1) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0xffffffff, 0xffff, 1}, ret: -int64(unix.EBADF)},
	{want: `lseek(7, 10, SEEK_END) = 0`, args: [6]uint64{7, 10, 2}, ret: 0},
	{want: `lseek(-1, 0, SEEK_HOLE) = -1 EBADF (Bad file descriptor)`, args: [6]uint64{0xffffffff, 0, 4}, ret: -int64(unix.EBADF)},
	{want: `getdents64(3, 0x7ffd0000 /* 2 entries */, 32768) = 48`, args: [6]uint64{3, p1, 32768}, ret: 48,
		mem: fakeMem{p1: blob{}.u64(1, 1).u16(24).raw("\x04.\x00\x00\x00\x00").u64(2, 2).u16(24).raw("\x04..\x00\x00\x00")}},
	{want: `getdents64(3, 0x7ffd0000 /* 0 entries */, 32768) = 0`, args: [6]uint64{3, p1, 32768}, ret: 0, mem: fakeMem{p1: blob{}.pad(8)}},
	{want: `getcwd("/tmp/dec", 256) = 9`, args: [6]uint64{p1, 256}, ret: 9, mem: fakeMem{p1: cstr("/tmp/dec")}},
	{want: `readlink("/proc/self/exe", "/tmp/dec/many", 256) = 13`, args: [6]uint64{p1, p2, 256}, ret: 13,
		mem: fakeMem{p1: cstr("/proc/self/exe"), p2: []byte("/tmp/dec/manyXXXX")}},
	{want: `mkdir("/tmp/dec/x", 0755) = 0`, args: [6]uint64{p1, 0o755}, mem: fakeMem{p1: cstr("/tmp/dec/x")}},
	{want: `rename("/tmp/dec/a1", "/tmp/dec/a2") = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{p1, p2}, ret: enoent, mem: fakeMem{p1: cstr("/tmp/dec/a1"), p2: cstr("/tmp/dec/a2")}},
	{want: `unlinkat(AT_FDCWD, "/tmp/dec/none", AT_REMOVEDIR) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, 0x200}, ret: enoent, mem: fakeMem{p1: cstr("/tmp/dec/none")}},
	{want: `umask(022) = 022`, args: [6]uint64{0o22}, ret: 0o22},
	{want: `umask(0177777) = 000`, args: [6]uint64{0o7777777}, ret: 0},
	{want: `fchmod(-1, 000) = -1 EBADF (Bad file descriptor)`, args: [6]uint64{0xffffffff, 0}, ret: -int64(unix.EBADF)},
	{want: `getxattr("/", "system.posix_acl_access", NULL, 0) = -1 ENODATA (No data available)`,
		args: [6]uint64{p1, p2, 0, 0}, ret: -int64(unix.ENODATA), mem: fakeMem{p1: cstr("/"), p2: cstr("system.posix_acl_access")}},
	{want: `lgetxattr("/", "security.selinux", 0x7ffd2000, 255) = -1 ENODATA (No data available)`,
		args: [6]uint64{p1, p2, p3, 255}, ret: -int64(unix.ENODATA), mem: fakeMem{p1: cstr("/"), p2: cstr("security.selinux")}},
	{want: `fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0`, args: [6]uint64{3, 0, 0, 2}},
	{want: `ioctl(1, TCGETS, 0x7ffd0000) = -1 ENOTTY (Inappropriate ioctl for device)`,
		args: [6]uint64{1, 0x5401, p1}, ret: -int64(unix.ENOTTY)},
	{want: `ioctl(0, FIONBIO, [1]) = 0`, args: [6]uint64{0, 0x5421, p1}, mem: fakeMem{p1: blob{}.u32(1)}},
	{want: `ioctl(0, TIOCGWINSZ, {ws_row=0, ws_col=0, ws_xpixel=0, ws_ypixel=0}) = 0`, args: [6]uint64{0, 0x5413, p1},
		mem: fakeMem{p1: blob{}.pad(8)}},
	{want: `ioctl(-1, TCGETS, NULL) = -1 EBADF (Bad file descriptor)`, args: [6]uint64{0xffffffff, 0x5401, 0}, ret: -int64(unix.EBADF)},
	{want: `ioctl(-1, _IOC(_IOC_READ|_IOC_WRITE, 0x55, 0x1, 0x10), 0) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0xffffffff, 0xc0105501, 0}, ret: -int64(unix.EBADF)},
	{want: `ioctl(-1, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0xffffffff, 0x1234, 0}, ret: -int64(unix.EBADF)},
}

// statBuf is an x86-64 struct stat with the fields strace prints.
func statBuf(mode uint32, rdev uint64, size int64) []byte {
	return blob{}.u64(0x803, 42, 1).u32(mode, 0, 0, 0).u64(rdev, uint64(size), 4096, 8).pad(72)
}

func TestFiles(t *testing.T) {
	for _, tc := range fileCases {
		tc.run(t)
	}
}

func TestUndecodedAndErrno(t *testing.T) {
	c := Enter(unix.SYS_CLOSE, [6]uint64{3}, nil)
	c.Exit(-int64(unix.EBADF), nil)
	if got, want := c.RetString(), "-1 EBADF (Bad file descriptor)"; got != want {
		t.Errorf("RetString = %q, want %q", got, want)
	}
	// strace 6.1: syscall_0x4cf(0x1, 0x2, 0xffffffffffffff80, 0x1000, 0x1000, 0x1000) = -1 ENOSYS (Function not implemented)
	c = Enter(0x4cf, [6]uint64{1, 2, 0xffffffffffffff80, 0x1000, 0x1000, 0x1000}, nil)
	c.Exit(-int64(unix.ENOSYS), nil)
	if got, want := c.String(), "syscall_0x4cf(0x1, 0x2, 0xffffffffffffff80, 0x1000, 0x1000, 0x1000) = -1 ENOSYS (Function not implemented)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	// cachestat (6.5) is in the table, but strace 6.1 does not know it:
	// syscall_0x1c3(0xffffffff, 0, 0, 0, 0x7f18ed46c6d0, 0x1) = -1 EBADF (Bad file descriptor)
	c = Enter(451, [6]uint64{0xffffffff, 0, 0, 0, 0x7f18ed46c6d0, 1}, nil)
	c.Exit(-int64(unix.EBADF), nil)
	if got, want := c.String(), "syscall_0x1c3(0xffffffff, 0, 0, 0, 0x7f18ed46c6d0, 0x1) = -1 EBADF (Bad file descriptor)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

// TestEverySignatureTypeIsKnown checks signatures.txt against types.go: a
// type this package does not know would print in hex without a word.
func TestEverySignatureTypeIsKnown(t *testing.T) {
	decoded := 0
	for nr := 0; nr <= systab.Max(); nr++ {
		s, ok := systab.Lookup(nr)
		if !ok || !s.Decoded {
			continue
		}
		decoded++
		for _, a := range s.Args {
			name, link, _ := strings.Cut(a.Type, "@")
			if _, ok := types[name]; !ok {
				t.Errorf("%s: argument %s has type %q, which decode does not know", s.Name, a.Name, a.Type)
			}
			if link != "" && link != "ret" && (len(link) != 1 || link[0] < '0' || link[0] > '5') {
				t.Errorf("%s: argument %s: bad link %q", s.Name, a.Name, link)
			}
		}
		if _, ok := retTypes[s.Ret]; !ok {
			t.Errorf("%s: return type %q unknown", s.Name, s.Ret)
		}
	}
	if decoded < 120 {
		t.Errorf("only %d syscalls decoded, want the ~120 most used", decoded)
	}
}

// TestUnfinished is a call seen only at entry (exit_group, a tracee that
// died in the call): out-arguments print as addresses, the result as "?".
func TestUnfinished(t *testing.T) {
	mem := fakeMem{p1: blob("root:x:0:0").pad(10)}
	c := Enter(unix.SYS_READ, [6]uint64{3, p1, 20}, mem)
	if got, want := c.String(), "read(3, 0x7ffd0000, 20) = ?"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := c.ArgStrings(); len(got) != 3 || got[1] != "0x7ffd0000" {
		t.Errorf("ArgStrings = %q", got)
	}
	c = Enter(unix.SYS_FCNTL, [6]uint64{3, unix.F_GETFD}, nil)
	if got := c.ArgStrings(); len(got) != 2 || got[1] != "F_GETFD" {
		t.Errorf("fcntl ArgStrings = %q (the third argument is left out)", got)
	}
}
