package decode

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/deepsys/deepsys/internal/testenv"
	"golang.org/x/sys/unix"
)

// probeEnv marks the test binary re-executed as the probe program: a
// sequence of syscalls with arguments chosen to reach the decoders that
// cat, ls and sh do not (ppoll, accept4, sendfile, mremap ...), run on the
// locked main thread, which is the one thread strace (without -f) and
// traceLines follow.
const probeEnv = "DEEPSYS_DECODE_PROBE"

func init() {
	if os.Getenv(probeEnv) == "1" {
		runtime.LockOSThread() // in init: the main goroutine stays on the main thread
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(probeEnv) == "1" {
		runProbe()
		unix.Exit(0)
	}
	os.Exit(m.Run())
}

// probeDir is a fixed path (not a temporary one) so that the two runs
// print the same strings.
const probeDir = "/tmp/deepsys-decode-probe"

func sys(nr uintptr, a ...uintptr) uintptr {
	var r [6]uintptr
	copy(r[:], a)
	v, _, _ := unix.Syscall6(nr, r[0], r[1], r[2], r[3], r[4], r[5])
	return v
}

func ptr[T any](p *T) uintptr { return uintptr(unsafe.Pointer(p)) }

// keep holds the probe's strings: a uintptr does not keep its bytes alive.
var keep [][]byte

func str(s string) uintptr {
	b := append([]byte(s), 0)
	keep = append(keep, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

func runProbe() {
	// Everything the probe points to is allocated before the start
	// marker, so the runtime has no reason to map memory in between.
	buf := make([]byte, 4096)
	buf2 := make([]byte, 4096)
	for i := range buf2 {
		buf2[i] = byte('a' + i%26)
	}
	var fds [2]int32
	var n32 uint32
	var ts [2]int64
	var sigset uint64 = 1<<(unix.SIGUSR1-1) | 1<<(unix.SIGTERM-1)
	iov := [3]unix.Iovec{{Base: &buf2[0], Len: 40}, {Base: &buf2[40], Len: 3}, {Base: &buf2[100], Len: 0}}
	abstract := [...]byte{1, 0, 0, 'd', 'e', 'c', 'o', 'd', 'e', '-', 'p', 'r', 'o', 'b', 'e'}
	paths := map[string]uintptr{}
	for _, p := range []string{"/decode-probe/start", probeDir, probeDir + "/f", probeDir + "/g", probeDir + "/l", probeDir + "/d", probeDir + "/h", probeDir + "/i", probeDir + "/s", probeDir + "/e", "f", "g", "d", "l", "/nonexistent", "probe", "/", "/dev/ptmx", "user.none", "h", "i"} {
		paths[p] = str(p)
	}
	argv := [3]uintptr{str("a"), str("b"), 0}
	env := [1]uintptr{}
	var off int64 = 2
	var ev [2]uint64
	var rl [2]uint64
	var tio unix.Termios
	cbuf := make([]byte, 256)
	_ = os.MkdirAll(probeDir+"/d", 0o700) // the same cleanup work (and fds) in every run
	_ = os.RemoveAll(probeDir)

	sys(unix.SYS_OPENAT, ^uintptr(99), paths["/decode-probe/start"], unix.O_RDONLY)
	sys(unix.SYS_MKDIR, paths[probeDir], 0o750)
	dfd := sys(unix.SYS_OPENAT, ^uintptr(99), paths[probeDir], unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	fd := sys(unix.SYS_OPENAT, dfd, paths["f"], unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_APPEND, 0o600)
	sys(unix.SYS_WRITE, fd, ptr(&buf2[0]), 100)
	sys(unix.SYS_PWRITE64, fd, ptr(&buf2[0]), 5, 200)
	sys(unix.SYS_PREAD64, fd, ptr(&buf[0]), 64, 0)
	sys(unix.SYS_LSEEK, fd, 0, unix.SEEK_SET)
	sys(unix.SYS_READV, fd, ptr(&iov[0]), 3)
	sys(unix.SYS_WRITEV, fd, ptr(&iov[0]), 3)
	sys(unix.SYS_FTRUNCATE, fd, 50)
	sys(unix.SYS_TRUNCATE, paths[probeDir+"/f"], 60)
	sys(unix.SYS_FALLOCATE, fd, 0, 0, 4096)
	sys(unix.SYS_FSYNC, fd)
	sys(unix.SYS_FDATASYNC, fd)
	sys(unix.SYS_FCHMODAT, dfd, paths["f"], 0o640)
	sys(unix.SYS_FCHOWNAT, dfd, paths["f"], ^uintptr(0), ^uintptr(0), unix.AT_SYMLINK_NOFOLLOW)
	sys(unix.SYS_CHOWN, paths["/nonexistent"], 0, 0)
	sys(unix.SYS_LINKAT, dfd, paths["f"], dfd, paths["g"], 0)
	sys(unix.SYS_SYMLINKAT, paths["f"], dfd, paths["l"])
	sys(unix.SYS_READLINKAT, dfd, paths["l"], ptr(&buf[0]), 100)
	sys(unix.SYS_RENAMEAT2, dfd, paths["g"], dfd, paths["f"], unix.RENAME_NOREPLACE)
	sys(unix.SYS_MKDIRAT, dfd, paths["d"], 0o700)
	sys(unix.SYS_GETDENTS64, dfd, ptr(&buf[0]), 4096)
	sys(unix.SYS_FACCESSAT, dfd, paths["f"], unix.W_OK)
	sys(unix.SYS_UNLINKAT, dfd, paths["d"], unix.AT_REMOVEDIR)
	sys(unix.SYS_CREAT, paths[probeDir+"/d"], 0o644)
	sys(unix.SYS_STATFS, paths["/"], ptr(&buf[0]))
	sys(unix.SYS_FSTATFS, fd, ptr(&buf[0]))
	sys(unix.SYS_UMASK, 0o27)
	sys(unix.SYS_GETCWD, ptr(&buf[0]), 4096)

	sys(unix.SYS_PIPE2, ptr(&fds), unix.O_NONBLOCK)
	sys(unix.SYS_FCNTL, uintptr(fds[0]), unix.F_GETFL)
	sys(unix.SYS_FCNTL, uintptr(fds[0]), unix.F_GETPIPE_SZ)
	sys(unix.SYS_FCNTL, uintptr(fds[0]), unix.F_SETFD, unix.FD_CLOEXEC)
	sys(unix.SYS_FCNTL, uintptr(fds[0]), unix.F_GETFD)
	sys(unix.SYS_IOCTL, uintptr(fds[0]), 0x541B, ptr(&n32))
	sys(unix.SYS_IOCTL, uintptr(fds[0]), 0x5451)
	sys(unix.SYS_IOCTL, uintptr(fds[0]), unix.TIOCGPGRP, ptr(&n32))
	if pty := sys(unix.SYS_OPENAT, ^uintptr(99), paths["/dev/ptmx"], unix.O_RDWR|unix.O_NOCTTY); int(pty) >= 0 {
		sys(unix.SYS_IOCTL, pty, unix.TCGETS, ptr(&tio))
		tio.Oflag |= unix.CR2 | unix.TAB1
		tio.Cflag = tio.Cflag&^unix.CBAUD | unix.B115200
		sys(unix.SYS_IOCTL, pty, unix.TCSETS, ptr(&tio))
		sys(unix.SYS_IOCTL, pty, unix.TIOCGWINSZ, ptr(&buf[0]))
		sys(unix.SYS_CLOSE, pty)
	}
	sys(unix.SYS_WRITE, uintptr(fds[1]), ptr(&buf2[0]), 10)
	sys(unix.SYS_SENDFILE, uintptr(fds[1]), fd, ptr(&off), 7)
	sys(unix.SYS_READ, uintptr(fds[0]), ptr(&buf[0]), 4096)
	sys(unix.SYS_READ, uintptr(fds[0]), ptr(&buf[0]), 4096)
	ts = [2]int64{0, 0}
	pfd := [2]unix.PollFd{{Fd: fds[0], Events: unix.POLLIN}, {Fd: fds[1], Events: unix.POLLOUT}}
	sys(unix.SYS_PPOLL, ptr(&pfd[0]), 2, ptr(&ts), ptr(&sigset), 8)
	ep := sys(unix.SYS_EPOLL_CREATE1, unix.EPOLL_CLOEXEC)
	ev[0] = unix.EPOLLOUT | 7<<32
	sys(unix.SYS_EPOLL_CTL, ep, unix.EPOLL_CTL_ADD, uintptr(fds[1]), ptr(&ev))
	sys(unix.SYS_EPOLL_PWAIT, ep, ptr(&buf[0]), 8, 0, ptr(&sigset), 8)
	sys(unix.SYS_EPOLL_CTL, ep, unix.EPOLL_CTL_DEL, uintptr(fds[1]), 0)
	sys(unix.SYS_CLOSE_RANGE, 1000, 1010, unix.CLOSE_RANGE_CLOEXEC)
	sys(unix.SYS_DUP2, uintptr(fds[0]), uintptr(fds[0]))
	sys(unix.SYS_EVENTFD2, 3, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	mfd := sys(unix.SYS_MEMFD_CREATE, paths["probe"], unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	sys(unix.SYS_FTRUNCATE, mfd, 8192)
	m := sys(unix.SYS_MMAP, 0, 8192, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED, mfd, 0)
	sys(unix.SYS_MSYNC, m, 8192, unix.MS_SYNC|unix.MS_INVALIDATE)
	sys(unix.SYS_MLOCK, m, 4096)
	sys(unix.SYS_MUNLOCK, m, 4096)
	m = sys(unix.SYS_MREMAP, m, 8192, 4096, unix.MREMAP_MAYMOVE)
	sys(unix.SYS_MUNMAP, m, 4096)

	l := sys(unix.SYS_SOCKET, unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	sys(unix.SYS_BIND, l, ptr(&abstract[0]), uintptr(len(abstract)))
	sys(unix.SYS_LISTEN, l, 1)
	c := sys(unix.SYS_SOCKET, unix.AF_UNIX, unix.SOCK_STREAM, 0)
	sys(unix.SYS_CONNECT, c, ptr(&abstract[0]), uintptr(len(abstract)))
	n32 = 128
	a := sys(unix.SYS_ACCEPT4, l, ptr(&buf[0]), ptr(&n32), unix.SOCK_NONBLOCK)
	sys(unix.SYS_ACCEPT4, l, 0, 0, unix.SOCK_NONBLOCK)
	n32 = 128
	sys(unix.SYS_GETSOCKNAME, l, ptr(&buf[0]), ptr(&n32))
	n32 = 128
	sys(unix.SYS_GETPEERNAME, c, ptr(&buf[0]), ptr(&n32))
	n32 = 4
	sys(unix.SYS_GETSOCKOPT, l, unix.SOL_SOCKET, unix.SO_TYPE, ptr(&buf[0]), ptr(&n32))
	sys(unix.SYS_SENDTO, c, ptr(&buf2[0]), 50, unix.MSG_NOSIGNAL, 0, 0)
	n32 = 128
	sys(unix.SYS_RECVFROM, a, ptr(&buf[0]), 30, unix.MSG_PEEK, ptr(&buf[100]), ptr(&n32))
	mh := unix.Msghdr{Iov: &iov[0], Iovlen: 2}
	sys(unix.SYS_SENDMSG, c, ptr(&mh), 0)
	sys(unix.SYS_RECVMSG, a, ptr(&mh), unix.MSG_DONTWAIT)
	sys(unix.SYS_RECVMSG, a, ptr(&mh), unix.MSG_DONTWAIT)
	// descriptors and credentials passed over a unix socket pair
	var sp [2]int32
	sys(unix.SYS_SOCKETPAIR, unix.AF_UNIX, unix.SOCK_DGRAM, 0, ptr(&sp))
	one := int32(1)
	sys(unix.SYS_SETSOCKOPT, uintptr(sp[1]), unix.SOL_SOCKET, unix.SO_PASSCRED, ptr(&one), 4)
	rights := unix.UnixRights(int(fds[0]), int(fds[1]))
	smh := unix.Msghdr{Iov: &iov[1], Iovlen: 1, Control: &rights[0], Controllen: uint64(len(rights))}
	sys(unix.SYS_SENDMSG, uintptr(sp[0]), ptr(&smh), 0)
	rmh := unix.Msghdr{Iov: &iov[0], Iovlen: 1, Control: &cbuf[0], Controllen: uint64(len(cbuf))}
	sys(unix.SYS_RECVMSG, uintptr(sp[1]), ptr(&rmh), unix.MSG_CMSG_CLOEXEC)
	t := sys(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_STREAM, unix.IPPROTO_TCP)
	n32 = 1
	sys(unix.SYS_SETSOCKOPT, t, unix.IPPROTO_TCP, unix.TCP_NODELAY, ptr(&n32), 4)
	sys(unix.SYS_SHUTDOWN, c, unix.SHUT_RDWR)

	sys(unix.SYS_GETRLIMIT, unix.RLIMIT_NOFILE, ptr(&rl))
	sys(unix.SYS_CLOCK_GETRES, unix.CLOCK_MONOTONIC, ptr(&ts))
	ts = [2]int64{0, 1}
	sys(unix.SYS_NANOSLEEP, ptr(&ts), ptr(&ts))
	sys(unix.SYS_ALARM, 0)
	sys(unix.SYS_SETPGID, 0, 0)
	sys(unix.SYS_GETSID, 0)
	sys(unix.SYS_GETPGID, 0)
	sys(unix.SYS_WAIT4, ^uintptr(0), ptr(&n32), unix.WNOHANG, 0)
	sys(unix.SYS_KILL, 0, 0)
	usr2 := uint64(1 << (unix.SIGUSR2 - 1))
	sys(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, ptr(&usr2), 0, 8)                         // so rt_sigreturn restores [USR2]
	sys(unix.SYS_TGKILL, sys(unix.SYS_GETPID), sys(unix.SYS_GETTID), uintptr(unix.SIGURG)) // Go's handler, then rt_sigreturn
	sys(unix.SYS_SCHED_GETAFFINITY, 0, 8, ptr(&buf[0]))
	sys(unix.SYS_SIGALTSTACK, 0, ptr(&buf[0]))
	sys(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, 0, ptr(&sigset), 8)
	sys(unix.SYS_UNAME, ptr(&buf[0]))
	// the rest of the file family, by path and by descriptor
	p := func(name string) uintptr { return paths[probeDir+"/"+name] }
	sys(unix.SYS_STAT, p("f"), ptr(&buf[0]))
	sys(unix.SYS_LSTAT, p("l"), ptr(&buf[0]))
	sys(unix.SYS_FSTAT, fd, ptr(&buf[0]))
	sys(unix.SYS_CHMOD, p("f"), 0o4755)
	sys(unix.SYS_FCHOWN, fd, 0, 0)
	sys(unix.SYS_LCHOWN, p("l"), ^uintptr(0), 0)
	sys(unix.SYS_FGETXATTR, fd, paths["user.none"], ptr(&buf[0]), 64)
	sys(unix.SYS_LINK, p("f"), p("h"))
	sys(unix.SYS_SYMLINK, paths["f"], p("s"))
	sys(unix.SYS_RENAMEAT, dfd, paths["h"], dfd, paths["i"])
	sys(unix.SYS_UNLINK, p("i"))
	sys(unix.SYS_MKDIR, p("e"), 0o755)
	sys(unix.SYS_RMDIR, p("e"))
	o := sys(unix.SYS_OPEN, p("f"), unix.O_RDONLY|unix.O_NOFOLLOW)
	sys(unix.SYS_PREADV, o, ptr(&iov[0]), 2, 5)
	sys(unix.SYS_PWRITEV, o, ptr(&iov[0]), 2, 5)
	sys(unix.SYS_DUP, o)
	sys(unix.SYS_PIPE, ptr(&fds))
	sys(unix.SYS_EPOLL_CREATE, 10)
	sys(unix.SYS_ACCEPT, l, ptr(&buf[0]), ptr(&n32))
	sys(unix.SYS_FCHDIR, dfd)
	sys(unix.SYS_CHDIR, paths["/"])
	sys(unix.SYS_GETUID)
	sys(unix.SYS_GETEUID)
	sys(unix.SYS_GETGID)
	sys(unix.SYS_GETEGID)
	sys(unix.SYS_SETUID, sys(unix.SYS_GETUID))
	sys(unix.SYS_SETGID, sys(unix.SYS_GETGID))
	sys(unix.SYS_GETGROUPS, 0, 0)
	sys(unix.SYS_GETGROUPS, 64, ptr(&buf[0]))
	sys(unix.SYS_SETRLIMIT, unix.RLIMIT_NOFILE, ptr(&rl))
	sys(unix.SYS_TKILL, sys(unix.SYS_GETTID), 0)
	// fds around a container runtime's calls (no mounts: the probe shares the host's mount namespace)
	sys(unix.SYS_FLOCK, fd, unix.LOCK_EX|unix.LOCK_NB)
	sys(unix.SYS_FLOCK, fd, unix.LOCK_UN)
	in := sys(unix.SYS_INOTIFY_INIT1, unix.IN_CLOEXEC|unix.IN_NONBLOCK)
	sys(unix.SYS_INOTIFY_ADD_WATCH, in, paths[probeDir], unix.IN_CREATE|unix.IN_DELETE|unix.IN_MOVED_TO|unix.IN_ONLYDIR)
	sys(unix.SYS_TIMERFD_CREATE, unix.CLOCK_MONOTONIC, unix.TFD_CLOEXEC|unix.TFD_NONBLOCK)
	sys(unix.SYS_SIGNALFD4, ^uintptr(0), ptr(&sigset), 8, unix.SFD_CLOEXEC)
	fdset := [16]uint64{1<<3 | 1}
	ts = [2]int64{0, 0}
	sys(unix.SYS_SELECT, 4, ptr(&fdset), 0, 0, ptr(&ts))
	sys(unix.SYS_SELECT, 4, 0, ptr(&fdset), 0, ptr(&ts))
	sys(unix.SYS_UNSHARE, unix.CLONE_NEWNS|unix.CLONE_NEWUTS) // the probe's own namespaces; nothing is mounted in them
	sys(unix.SYS_CHROOT, paths["/nonexistent"])
	sys(unix.SYS_EXECVE, paths["/nonexistent"], ptr(&argv), ptr(&env))
	sys(unix.SYS_EXECVEAT, dfd, paths["/nonexistent"], ptr(&argv), 0, 0)
	sys(unix.SYS_EXIT_GROUP, 0)
}

// TestProbeAgainstStrace runs the probe under strace and under
// traceLines and wants the same lines from the start marker on.
func TestProbeAgainstStrace(t *testing.T) {
	strace := testenv.RequireTool(t, "strace")
	setarch := testenv.RequireTool(t, "setarch")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	argv := []string{setarch, "-R", exe, "-test.run=^$"}
	env := append(testEnv(), probeEnv+"=1", "GOMAXPROCS=1", "GOGC=off", "GODEBUG=asyncpreemptoff=1")
	wantAll := straceLinesEnv(t, strace, filepath.Join(t.TempDir(), "strace.out"), argv, env)
	gotAll := traceLinesEnv(t, argv, env)
	want, got := fromProbeStart(wantAll), fromProbeStart(gotAll)
	if len(want) < 50 {
		t.Fatalf("strace saw only %d probe lines", len(want))
	}
	compareLines(t, got, want)
	t.Run("go runtime start", func(t *testing.T) {
		// The Go runtime's own start on the main thread, before the probe:
		// its memory reservations, every rt_sigaction, sigaltstack, the
		// clone of its first threads.
		compareLines(t, goStart(gotAll), goStart(wantAll))
	})
}

// goStart is the main thread's lines from the test binary's execve to its
// first clone, while the runtime is still single-threaded and so makes
// the same calls in every run; the new thread's id is not compared.
func goStart(lines []string) []string {
	var out []string
	for _, l := range fromExec(lines) {
		if runtimeNoise.MatchString(l) {
			continue
		}
		l = goHeapAddr.ReplaceAllString(l, "HEAP")
		if isHeapCall(l) {
			continue // the heap grows when the runtime's background work asks, not at a fixed point
		}
		if strings.HasPrefix(l, "clone(") {
			return append(out, cloneResult.ReplaceAllString(l, "= TID"))
		}
		out = append(out, l)
	}
	return out
}

var cloneResult = regexp.MustCompile(`= [0-9]+$`)

// isHeapCall is an mmap, munmap or madvise of the Go heap: how many the
// runtime makes before its first clone, and where, depends on timing.
func isHeapCall(l string) bool {
	for _, p := range []string{"mmap(", "munmap(", "madvise("} {
		if strings.HasPrefix(l, p) && strings.Contains(l, "HEAP") {
			return true
		}
	}
	return false
}

// fromProbeStart keeps the main thread's lines from the probe's marker
// on, without the Go runtime's own futex and signal traffic.
func fromProbeStart(lines []string) []string {
	var out []string
	for _, l := range lines {
		if out == nil && !strings.Contains(l, "/decode-probe/start") {
			continue
		}
		if runtimeNoise.MatchString(l) {
			continue
		}
		out = append(out, goHeapAddr.ReplaceAllString(l, "HEAP"))
	}
	return out
}

// goHeapAddr is an address in the Go heap, which the runtime places at a
// random address whatever the personality says.
var goHeapAddr = regexp.MustCompile(`0x[0-9a-f]{9,12}\b`)

var runtimeNoise = regexp.MustCompile(`^(futex|nanosleep\(\{tv_sec=0, tv_nsec=20000\}|sched_yield|--- )`)
