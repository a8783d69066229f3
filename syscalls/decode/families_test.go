package decode

import (
	"testing"
	"time"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

const einval = -int64(unix.EINVAL)

var memoryCases = []callCase{
	{want: `brk(NULL) = 0x5645745eb000`, args: [6]uint64{0}, ret: 0x5645745eb000},
	{want: `brk(0x56457460c000) = 0x56457460c000`, args: [6]uint64{0x56457460c000}, ret: 0x56457460c000},
	{want: `mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7efdfa242000`,
		args: [6]uint64{0, 8192, 3, 0x22, 0xffffffffffffffff, 0}, ret: 0x7efdfa242000},
	{want: `mmap(0x7efdfa07d000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7efdfa07d000`,
		args: [6]uint64{0x7efdfa07d000, 1400832, 5, 0x812, 3, 0x26000}, ret: 0x7efdfa07d000},
	{want: `mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = 0x7f8f25145000`,
		args: [6]uint64{0, 4096, 0, 0x20022, 0xffffffff, 0}, ret: 0x7f8f25145000},
	{want: `mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfcfffff0, 0xf /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e00680|63<<MAP_HUGE_SHIFT, -1, 0) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0, 4096, 0xffffffff, 0xffffffff, 0xffffffff, 0}, ret: einval},
	{want: `mmap(NULL, 4096, PROT_GROWSDOWN, MAP_FILE|1<<MAP_HUGE_SHIFT, -1, 0) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0, 4096, 0x1000000, 0x4000000, 0xffffffff, 0}, ret: -int64(unix.EBADF)},
	{want: `mprotect(0x7efdfa226000, 16384, PROT_READ) = 0`, args: [6]uint64{0x7efdfa226000, 16384, 1}},
	{want: `munmap(0x7efdfa239000, 35023) = 0`, args: [6]uint64{0x7efdfa239000, 35023}},
	{want: `madvise(0x7f96f3b00000, 1048576, MADV_NOHUGEPAGE) = 0`, args: [6]uint64{0x7f96f3b00000, 1048576, 15}},
	{want: `madvise(NULL, 0, 0xffff /* MADV_??? */) = -1 EINVAL (Invalid argument)`, args: [6]uint64{0, 0, 0xffff}, ret: einval},
}

var processCases = []callCase{
	{want: `execve("/usr/bin/cat", ["cat", "/etc/hostname"], 0x7ffc1b9f4668 /* 35 vars */) = 0`,
		args: [6]uint64{p1, p2, 0x7ffc1b9f4668},
		mem: fakeMem{p1: cstr("/usr/bin/cat"), p2: blob{}.u64(p3, p3+4, 0), p3: []byte("cat\x00/etc/hostname\x00"),
			0x7ffc1b9f4668: blob{}.u64(envp35()...).u64(0)}},
	{want: `execve("/bin/true", ["/bin/true", "x"], 0x7ffea220ffe0 /* 1 var */) = 0`,
		args: [6]uint64{p1, p2, 0x7ffea220ffe0},
		mem: fakeMem{p1: cstr("/bin/true"), p2: blob{}.u64(p3, p3+10, 0), p3: []byte("/bin/true\x00x\x00"),
			0x7ffea220ffe0: blob{}.u64(p3, 0)}},
	{want: `execve("/usr/bin/sh", ["sh", "-c", "echo hello; cd /nonexistent; exi"...], 0x7ffc3f0537b8 /* 0 vars */) = 0`,
		args: [6]uint64{p1, p2, 0x7ffc3f0537b8},
		mem: fakeMem{p1: cstr("/usr/bin/sh"), p2: blob{}.u64(p3, p3+3, p3+6, 0),
			p3: []byte("sh\x00-c\x00echo hello; cd /nonexistent; exit 3\x00"), 0x7ffc3f0537b8: blob{}.u64(0)}},
	{want: `clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f8f24f58a10) = 4700`,
		args: [6]uint64{0x1200011, 0, 0, 0x7f8f24f58a10, 0}, ret: 4700},
	{want: `clone(child_stack=0x7e90e6a2000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS, tls=0x7e90e6b6090) = 4810`,
		args: [6]uint64{0xd0f00, 0x7e90e6a2000, 0, 0, 0x7e90e6b6090}, ret: 4810},
	{want: `clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE|CLONE_VFORK|CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_IO|0xffffffff00400000|SIGCHLD, parent_tid=NULL, tls=NULL, child_tidptr=NULL) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffffffffffff11}, ret: einval},
	{want: `clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f2366007990, parent_tid=0x7f2366007990, exit_signal=0, stack=0x7f2365807000, stack_size=0x7fff80, tls=0x7f23660076c0} => {parent_tid=[8271]}, 88) = 8271`,
		args: [6]uint64{p1, 88}, ret: 8271,
		mem: fakeMem{p1: blob{}.u64(0x3d0f00, 0, 0x7f2366007990, 0x7f2366007990, 0, 0x7f2365807000, 0x7fff80, 0x7f23660076c0).pad(24),
			0x7f2366007990: blob{}.u32(8271)}},
	{want: `wait4(4700, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 4700`,
		args: [6]uint64{4700, p1, 0, 0}, ret: 4700, mem: fakeMem{p1: blob{}.u32(0x300)}},
	{want: `wait4(4701, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 4701`,
		args: [6]uint64{4701, p1, 0, 0}, ret: 4701, mem: fakeMem{p1: blob{}.u32(9)}},
	{want: `wait4(-1, 0x7ffd0000, WNOHANG, NULL) = 0`, args: [6]uint64{0xffffffffffffffff, p1, 1, 0}, ret: 0, mem: fakeMem{p1: blob{}.u32(0)}},
	{want: `wait4(-1, 0x7ffd0000, WNOHANG, NULL) = -1 ECHILD (No child processes)`,
		args: [6]uint64{0xffffffff, p1, 1, 0}, ret: -int64(unix.ECHILD)},
	{want: `wait4(-1, NULL, WNOHANG|WEXITED|WSTOPPED|WCONTINUED|WNOWAIT|__WCLONE|__WALL|__WNOTHREAD|0x1efffff0, NULL) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffffffff, 0, 0xffffffff, 0}, ret: einval},
	{want: `kill(99999, SIGRT_32) = -1 ESRCH (No such process)`, args: [6]uint64{99999, 64}, ret: -int64(unix.ESRCH)},
	{want: `kill(99999, 65) = -1 ESRCH (No such process)`, args: [6]uint64{99999, 65}, ret: -int64(unix.ESRCH)},
	{want: `kill(99999, SIGRTMIN) = -1 ESRCH (No such process)`, args: [6]uint64{99999, 32}, ret: -int64(unix.ESRCH)},
	{want: `kill(4699, 0) = 0`, args: [6]uint64{4699, 0}},
	{want: `tgkill(4699, 4699, SIGUSR1) = 0`, args: [6]uint64{4699, 4699, 10}},
	{want: `exit_group(0) = ?`, args: [6]uint64{0}},
	{want: `getpid() = 4699`, ret: 4699},
	{want: `set_tid_address(0x7efdfa054a10) = 4606`, args: [6]uint64{0x7efdfa054a10}, ret: 4606},
	{want: `set_robust_list(0x7efdfa054a20, 24) = 0`, args: [6]uint64{0x7efdfa054a20, 24}},
	{want: `rseq(0x7efdfa055060, 0x20, 0, 0x53053053) = 0`, args: [6]uint64{0x7efdfa055060, 0x20, 0, 0x53053053}},
	{want: `arch_prctl(ARCH_SET_FS, 0x7efdfa054740) = 0`, args: [6]uint64{0x1002, 0x7efdfa054740}},
	{want: `arch_prctl(ARCH_SET_GS, 0) = 0`, args: [6]uint64{0x1001, 0}},
	{want: `arch_prctl(ARCH_GET_FS, NULL) = -1 EFAULT (Bad address)`, args: [6]uint64{0x1003, 0}, ret: -int64(unix.EFAULT)},
	{want: `arch_prctl(0x3001 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)`, args: [6]uint64{0x3001, 0}, ret: einval},
	{want: `prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0`,
		args: [6]uint64{0, 3, 0, p1}, mem: fakeMem{p1: blob{}.u64(8<<20, ^uint64(0))}},
	{want: `prlimit64(0, RLIMIT_NOFILE, NULL, {rlim_cur=20000, rlim_max=20000}) = 0`,
		args: [6]uint64{0, 7, 0, p1}, mem: fakeMem{p1: blob{}.u64(20000, 20000)}},
	{want: `prlimit64(0, 0x63 /* RLIMIT_??? */, NULL, NULL) = -1 EINVAL (Invalid argument)`, args: [6]uint64{0, 99, 0, 0}, ret: einval},
	{want: `getrandom("\x9a\xc1\xe6\x0d\x5c\xcc\x2a\x98", 8, GRND_NONBLOCK) = 8`,
		args: [6]uint64{p1, 8, 1}, ret: 8, mem: fakeMem{p1: []byte("\x9a\xc1\xe6\x0d\x5c\xcc\x2a\x98")}},
	{want: `getrandom(NULL, 0, GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE|0xfffffff8) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0, 0, 0xffffffff}, ret: einval},
	{want: `uname({sysname="Linux", nodename="vm", ...}) = 0`, args: [6]uint64{p1},
		mem: fakeMem{p1: blob("Linux").pad(60).raw("vm").pad(63 + 65*4)}},
	{want: `sched_getaffinity(0, 128, [0 1]) = 32`, args: [6]uint64{0, 128, p1}, ret: 32, mem: fakeMem{p1: blob{3}.pad(31)}},
	{want: `futex(0x7efdfa22ba4c, FUTEX_WAKE_PRIVATE, 2147483647) = 0`, args: [6]uint64{0x7efdfa22ba4c, 129, 2147483647}},
	{want: `futex(0x588298, FUTEX_WAIT_PRIVATE, 0, NULL) = 0`, args: [6]uint64{0x588298, 128, 0, 0}},
	{want: `futex(0x7f2366007990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 8271, NULL, FUTEX_BITSET_MATCH_ANY) = 0`,
		args: [6]uint64{0x7f2366007990, 265, 8271, 0, 0, 0xffffffff}},
	{want: `futex(NULL, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, 0x8, 3) = -1 EFAULT (Bad address)`,
		args: [6]uint64{0, 132, 1, 2, 8, 3}, ret: -int64(unix.EFAULT)},
	{want: `futex(NULL, 0xffff /* FUTEX_??? */, 0, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)`,
		args: [6]uint64{0, 0xffff}, ret: -int64(unix.ENOSYS)},
}

var signalCases = []callCase{
	{want: `rt_sigaction(SIGUSR1, {sa_handler=0x560636e15649, sa_mask=[TERM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f8f24f97050}, NULL, 8) = 0`,
		args: [6]uint64{10, p1, 0, 8}, mem: fakeMem{p1: blob{}.u64(0x560636e15649, 0x14000000, 0x7f8f24f97050, 1<<14)}},
	{want: `rt_sigaction(SIGINT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0`,
		args: [6]uint64{2, 0, p1, 8}, mem: fakeMem{p1: blob{}.u64(0, 0, 0, 0)}},
	{want: `rt_sigaction(SIGCHLD, {sa_handler=0x55dd81236dc0, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x7f686c28f050}, NULL, 8) = 0`,
		args: [6]uint64{17, p1, 0, 8}, mem: fakeMem{p1: blob{}.u64(0x55dd81236dc0, 0x04000000, 0x7f686c28f050, ^uint64(3<<31))}},
	{want: `rt_sigaction(SIGURG, {sa_handler=0x46c0a0, sa_mask=~[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO, sa_restorer=0x46c1e0}, NULL, 8) = 0`,
		args: [6]uint64{23, p1, 0, 8}, mem: fakeMem{p1: blob{}.u64(0x46c0a0, 0x1c000004, 0x46c1e0, ^uint64(0))}},
	{want: `rt_sigaction(SIGKILL, {sa_handler=SIG_DFL, sa_mask=[INT ILL ABRT FPE USR1 USR2 ALRM STKFLT CONT TSTP TTOU XCPU VTALRM WINCH PWR RTMIN RT_2 RT_4 RT_6 RT_8 RT_10 RT_12 RT_14 RT_16 RT_18 RT_20 RT_22 RT_24 RT_26 RT_28 RT_30 RT_32], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_INTERRUPT|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0x3fffff8, sa_restorer=NULL}, NULL, 8) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{9, p1, 0, 8}, ret: einval, mem: fakeMem{p1: blob{}.u64(0, 0xffffffff, 0, 0xaaaaaaaaaaaaaaaa)}},
	{want: `rt_sigaction(65, NULL, NULL, 8) = -1 EINVAL (Invalid argument)`, args: [6]uint64{65, 0, 0, 8}, ret: einval},
	{want: `rt_sigprocmask(SIG_BLOCK, [CHLD RT_4], NULL, 8) = 0`, args: [6]uint64{0, p1, 0, 8},
		mem: fakeMem{p1: blob{}.u64(1<<16 | 1<<35)}},
	{want: `rt_sigprocmask(SIG_SETMASK, [CHLD RT_4], [CHLD RT_4], 8) = 0`, args: [6]uint64{2, p1, p2, 8},
		mem: fakeMem{p1: blob{}.u64(1<<16 | 1<<35), p2: blob{}.u64(1<<16 | 1<<35)}},
	{want: `rt_sigprocmask(SIG_UNBLOCK, ~[KILL RTMIN RT_1], NULL, 8) = 0`, args: [6]uint64{1, p1, 0, 8},
		mem: fakeMem{p1: blob{}.u64(^uint64(1<<8 | 1<<31 | 1<<32))}},
	{want: `rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0`, args: [6]uint64{0, p1, p2, 8},
		mem: fakeMem{p1: blob{}.u64(^uint64(0)), p2: blob{}.u64(0)}},
	{want: `rt_sigprocmask(0x7 /* SIG_??? */, NULL, NULL, 8) = 0`, args: [6]uint64{7, 0, 0, 8}},
	{want: `sigaltstack(NULL, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0`, args: [6]uint64{0, p1},
		mem: fakeMem{p1: blob{}.u64(0).u32(2, 0).u64(0)}},
	{want: `sigaltstack({ss_sp=0xc000008000, ss_flags=0, ss_size=32768}, NULL) = 0`, args: [6]uint64{p1, 0},
		mem: fakeMem{p1: blob{}.u64(0xc000008000).u32(0, 0).u64(32768)}},
	{want: `sigaltstack({ss_sp=0x1000, ss_flags=SS_ONSTACK|SS_DISABLE|SS_AUTODISARM|0x7ffffffc, ss_size=5}, NULL) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{p1, 0}, ret: einval, mem: fakeMem{p1: blob{}.u64(0x1000).u32(0xffffffff, 0).u64(5)}},
}

var timeCases = []callCase{
	{want: `clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, tv_nsec=1000}, NULL) = 0`, args: [6]uint64{1, 0, p1, 0},
		mem: fakeMem{p1: blob{}.u64(0, 1000)}},
	{want: `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME|0xfe, NULL, NULL) = -1 EFAULT (Bad address)`,
		args: [6]uint64{1, 0xff, 0, 0}, ret: -int64(unix.EFAULT)},
	{want: `nanosleep({tv_sec=0, tv_nsec=20000}, NULL) = 0`, args: [6]uint64{p1, 0}, mem: fakeMem{p1: blob{}.u64(0, 20000)}},
	{want: `clock_gettime(CLOCK_REALTIME, {tv_sec=1795800526, tv_nsec=855616825}) = 0`, args: [6]uint64{0, p1},
		mem: fakeMem{p1: blob{}.u64(1795800526, 855616825)}},
	{want: `clock_gettime(0xfffffffe /* CLOCK_??? */, NULL) = -1 EFAULT (Bad address)`, args: [6]uint64{0xfffffffffffffffe, 0},
		ret: -int64(unix.EFAULT)},
}

var pollCases = []callCase{
	{want: `poll([{fd=5, events=POLLIN}], 1, 0) = 0 (Timeout)`, args: [6]uint64{p1, 1, 0}, ret: 0,
		mem: fakeMem{p1: blob{}.u32(5).u16(1, 0)}},
	{want: `poll([{fd=15, events=POLLIN|POLLOUT}], 1, 10) = 1 ([{fd=15, revents=POLLIN|POLLOUT}])`, args: [6]uint64{p1, 1, 10}, ret: 1,
		mem: fakeMem{p1: blob{}.u32(15).u16(5, 0)}, exit: fakeMem{p1: blob{}.u32(15).u16(5, 5)}},
	{want: `poll([{fd=-1}], 1, 0) = 0 (Timeout)`, args: [6]uint64{p1, 1, 0}, mem: fakeMem{p1: blob{}.u32(0xffffffff).u16(0xffff, 0)}},
	{want: `epoll_create1(EPOLL_CLOEXEC) = 16`, args: [6]uint64{0x80000}, ret: 16},
	{want: `epoll_create1(EPOLL_CLOEXEC|0xfff7ffff) = -1 EINVAL (Invalid argument)`, args: [6]uint64{0xffffffff}, ret: einval},
	{want: `epoll_ctl(16, EPOLL_CTL_ADD, 15, {events=EPOLLIN, data={u32=15, u64=15}}) = 0`, args: [6]uint64{16, 1, 15, p1},
		mem: fakeMem{p1: blob{}.u32(1).u64(15)}},
	{want: `epoll_ctl(5, EPOLL_CTL_ADD, 3, {events=EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET, data={u32=1107296257, u64=4596901758554341377}}) = -1 EPERM (Operation not permitted)`,
		args: [6]uint64{5, 1, 3, p1}, ret: -int64(unix.EPERM), mem: fakeMem{p1: blob{}.u32(0x80002005).u64(4596901758554341377)}},
	{want: `epoll_wait(16, [{events=EPOLLIN, data={u32=15, u64=15}}], 4, 0) = 1`, args: [6]uint64{16, p1, 4, 0}, ret: 1,
		mem: fakeMem{p1: blob{}.u32(1).u64(15)}},
	{want: `epoll_pwait(5, [], 128, 0, NULL, 0) = 0`, args: [6]uint64{5, p1, 128, 0, 0, 0}, mem: fakeMem{p1: blob{}.pad(12)}},
}

var socketCases = []callCase{
	{want: `socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 8`, args: [6]uint64{2, 0x80001, 0}, ret: 8},
	{want: `socket(AF_UNIX, SOCK_DGRAM, 0) = 9`, args: [6]uint64{1, 2, 0}, ret: 9},
	{want: `socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3`, args: [6]uint64{1, 0x80801, 0}, ret: 3},
	{want: `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 4`, args: [6]uint64{16, 3, 0}, ret: 4},
	{want: `socket(0xffff /* AF_??? */, SOCK_CLOEXEC|SOCK_NONBLOCK|0xfff7f7ff, 65535) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0xffff, 0xffffffff, 0xffff}, ret: einval},
	{want: `socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK|0x100, IPPROTO_TCP) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{2, 0x80901, 6}, ret: einval},
	{want: `connect(8, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)`,
		args: [6]uint64{8, p1, 16}, ret: -int64(unix.ECONNREFUSED), mem: fakeMem{p1: blob{}.u16(2).raw("\x00\x01\x7f\x00\x00\x01").pad(8)}},
	{want: `connect(3, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{3, p1, 110}, ret: enoent, mem: fakeMem{p1: blob{}.u16(1).raw("/var/run/nscd/socket").pad(88)}},
	{want: `bind(12, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0`,
		args: [6]uint64{12, p1, 28}, mem: fakeMem{p1: blob{}.u16(10).raw("\x00\x50").pad(19).raw("\x01").pad(4)}},
	{want: `getsockname(13, {sa_family=AF_INET, sin_port=htons(55347), sin_addr=inet_addr("127.0.0.1")}, [16]) = 0`,
		args: [6]uint64{13, p1, p2}, mem: fakeMem{p1: blob{}.u16(2).raw("\xd8\x33\x7f\x00\x00\x01").pad(8), p2: blob{}.u32(16)}},
	{want: `accept4(3, {sa_family=AF_INET, sin_port=htons(40000), sin_addr=inet_addr("10.0.0.2")}, [128 => 16], SOCK_CLOEXEC) = 5`,
		args: [6]uint64{3, p1, p2, 0x80000}, ret: 5, mem: fakeMem{p2: blob{}.u32(128)},
		exit: fakeMem{p1: blob{}.u16(2).raw("\x9c\x40\x0a\x00\x00\x02").pad(120), p2: blob{}.u32(16)}},
	{want: `accept4(3, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)`,
		args: [6]uint64{3, 0, 0, 0x80800}, ret: -int64(unix.EAGAIN)},
	{want: `socketpair(AF_UNIX, SOCK_STREAM, 0, [14, 15]) = 0`, args: [6]uint64{1, 1, 0, p1}, mem: fakeMem{p1: blob{}.u32(14, 15)}},
	{want: `sendto(9, "hi", 2, MSG_DONTWAIT, {sa_family=AF_UNIX, sun_path="/tmp/dec/nosock"}, 110) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{9, p1, 2, 0x40, p2, 110}, ret: enoent, mem: fakeMem{p1: []byte("hi"), p2: blob{}.u16(1).raw("/tmp/dec/nosock").pad(93)}},
	{want: `sendto(14, "x", 1, 0, NULL, 0) = 1`, args: [6]uint64{14, p1, 1, 0, 0, 0}, ret: 1, mem: fakeMem{p1: []byte("x")}},
	{want: `recvfrom(15, "x", 64, 0, NULL, NULL) = 1`, args: [6]uint64{15, p1, 64, 0, 0, 0}, ret: 1, mem: fakeMem{p1: []byte("x")}},
	{want: `sendto(-1, NULL, 0, MSG_OOB|MSG_PEEK|MSG_DONTROUTE|MSG_CTRUNC|MSG_PROBE|MSG_TRUNC|MSG_DONTWAIT|MSG_EOR|MSG_WAITALL|MSG_FIN|MSG_SYN|MSG_CONFIRM|MSG_RST|MSG_ERRQUEUE|MSG_NOSIGNAL|MSG_MORE|MSG_WAITFORONE|MSG_SENDPAGE_NOTLAST|MSG_BATCH|MSG_NO_SHARED_FRAGS|MSG_ZEROCOPY|MSG_FASTOPEN|MSG_CMSG_CLOEXEC|MSG_CMSG_COMPAT|0x1bf00000, NULL, 0) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0xffffffff, 0, 0, 0xffffffff, 0, 0}, ret: -int64(unix.EBADF)},
	{want: `setsockopt(8, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0`, args: [6]uint64{8, 1, 2, p1, 4}, mem: fakeMem{p1: blob{}.u32(1)}},
	{want: `setsockopt(-1, 0xffff /* SOL_?? */, 65535, NULL, 0) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0xffffffff, 0xffff, 0xffff, 0, 0}, ret: -int64(unix.EBADF)},
	{want: `setsockopt(-1, SOL_IPV6, IPV6_V6ONLY, NULL, 0) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{0xffffffff, 41, 26, 0, 0}, ret: -int64(unix.EBADF)},
	{want: `shutdown(14, SHUT_WR) = 0`, args: [6]uint64{14, 1}},
	{want: `shutdown(-1, 0x5 /* SHUT_??? */) = -1 EBADF (Bad file descriptor)`, args: [6]uint64{0xffffffff, 5}, ret: -int64(unix.EBADF)},
	{want: `writev(14, [{iov_base="abc", iov_len=3}, {iov_base="defg", iov_len=4}], 2) = 7`, args: [6]uint64{14, p1, 2}, ret: 7,
		mem: fakeMem{p1: blob{}.u64(p2, 3, p3, 4), p2: []byte("abc"), p3: []byte("defg")}},
	{want: `readv(15, [{iov_base="abcdefg", iov_len=64}], 1) = 7`, args: [6]uint64{15, p1, 1}, ret: 7,
		mem: fakeMem{p1: blob{}.u64(p2, 64), p2: blob("abcdefg").pad(57)}},
	{want: `sendmsg(14, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="abc", iov_len=3}, {iov_base="defg", iov_len=4}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 7`,
		args: [6]uint64{14, p4, 0}, ret: 7,
		mem: fakeMem{p4: blob{}.u64(0, 0, p1, 2, 0, 0, 0), p1: blob{}.u64(p2, 3, p3, 4), p2: []byte("abc"), p3: []byte("defg")}},
	{want: `recvmsg(15, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="abcdefg", iov_len=64}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 7`,
		args: [6]uint64{15, p4, 0}, ret: 7,
		mem: fakeMem{p4: blob{}.u64(0, 0, p1, 1, 0, 0, 0), p1: blob{}.u64(p2, 64), p2: blob("abcdefg").pad(57)}},
}

// From the probe: descriptors and credentials over a unix socket pair.
var cmsgCases = []callCase{
	{want: `sendmsg(19, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hij", iov_len=3}], msg_iovlen=1, msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[11, 12]}], msg_controllen=24, msg_flags=0}, 0) = 3`,
		args: [6]uint64{19, p4, 0}, ret: 3,
		mem: fakeMem{p4: blob{}.u64(0, 0, p1, 1, p3, 24, 0), p1: blob{}.u64(p2, 3), p2: []byte("hij"),
			p3: blob{}.u64(24).u32(1, 1, 11, 12)}},
	{want: `recvmsg(20, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hij", iov_len=40}], msg_iovlen=1, msg_control=[{cmsg_len=28, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, cmsg_data={pid=29713, uid=0, gid=0}}, {cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[21, 22]}], msg_controllen=56, msg_flags=MSG_CMSG_CLOEXEC}, MSG_CMSG_CLOEXEC) = 3`,
		args: [6]uint64{20, p4, 0x40000000}, ret: 3,
		mem: fakeMem{p4: blob{}.u64(0, 0, p1, 1, p3, 56).u32(0x40000000, 0), p1: blob{}.u64(p2, 40), p2: blob("hij").pad(37),
			p3: blob{}.u64(28).u32(1, 2, 29713, 0, 0).pad(4).u64(24).u32(1, 1, 21, 22)}},
}

func TestControlMessages(t *testing.T) { runCases(t, cmsgCases) }

func TestMemory(t *testing.T)  { runCases(t, memoryCases) }
func TestProcess(t *testing.T) { runCases(t, processCases) }
func TestSignals(t *testing.T) { runCases(t, signalCases) }
func TestTime(t *testing.T)    { runCases(t, timeCases) }
func TestPoll(t *testing.T)    { runCases(t, pollCases) }
func TestSockets(t *testing.T) { runCases(t, socketCases) }

func runCases(t *testing.T, cases []callCase) {
	for _, tc := range cases {
		tc.run(t)
	}
}

// envp35 is an environment of 35 (unread) string pointers.
func envp35() []uint64 {
	out := make([]uint64, 35)
	for i := range out {
		out[i] = p5 + uint64(i)
	}
	return out
}

// The terminal lines come from a C program that calls TCGETS on a fresh
// pseudo-terminal, then TCSETS with every bit on, TCSETSW with none and
// TCSETSF with the delay fields set.
var termCases = []callCase{
	{want: `ioctl(3, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0`,
		args: [6]uint64{3, 0x5401, p1}, mem: fakeMem{p1: blob{}.u32(0x500, 0x5, 0xbf, 0x8a3b).pad(20)}},
	{want: `ioctl(3, SNDCTL_TMR_START or TCSETS, {c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|0xffff0000, c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, ...}) = 0`,
		args: [6]uint64{3, 0x5402, p1}, mem: fakeMem{p1: blob{}.u32(^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)).pad(20)}},
	{want: `ioctl(3, SNDCTL_TMR_STOP or TCSETSW, {c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|CS5|, c_lflag=, ...}) = 0`,
		args: [6]uint64{3, 0x5403, p1}, mem: fakeMem{p1: blob{}.pad(36)}},
	{want: `ioctl(3, SNDCTL_TMR_CONTINUE or TCSETSF, {c_iflag=, c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|, c_cflag=B9600|CS7|PARENB, c_lflag=, ...}) = 0`,
		args: [6]uint64{3, 0x5404, p1}, mem: fakeMem{p1: blob{}.u32(0, 0xff00, 0x12d, 0).pad(20)}},
	{want: `ioctl(3, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0`, args: [6]uint64{3, 0x5414, p1},
		mem: fakeMem{p1: blob{}.u16(24, 80, 0, 0)}},
	{want: `ioctl(3, TIOCGPTN, [0]) = 0`, args: [6]uint64{3, 0x80045430, p1}, mem: fakeMem{p1: blob{}.u32(0)}},
	{want: `ioctl(3, TIOCSPTLCK, [0]) = 0`, args: [6]uint64{3, 0x40045431, p1}, mem: fakeMem{p1: blob{}.u32(0)}},
	{want: `ioctl(3, FIONREAD, [0]) = 0`, args: [6]uint64{3, 0x541B, p1}, mem: fakeMem{p1: blob{}.u32(0)}},
	{want: `accept4(13, NULL, NULL, SOCK_NONBLOCK) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)`,
		args: [6]uint64{13, 0, 0, 0x800}, ret: -512},
}

func TestTerminalAndRestart(t *testing.T) { runCases(t, termCases) }

// From a C program calling each directly (syscall(2)), run under strace.
var restCases = []callCase{
	{want: `gettimeofday({tv_sec=1795803060, tv_usec=858401}, NULL) = 0`, args: [6]uint64{p1, 0},
		mem: fakeMem{p1: blob{}.u64(1795803060, 858401)}},
	{want: `setgroups(2, [0, 1]) = 0`, args: [6]uint64{2, p1}, mem: fakeMem{p1: blob{}.u32(0, 1)}},
	{want: `setgroups(0, NULL) = 0`, args: [6]uint64{0, 0}},
	{want: `sync() = 0`},
	{want: `syncfs(0) = 0`},
	{want: `sched_yield() = 0`},
	{want: `setsid() = 30608`, ret: 30608},
	{want: `getppid() = 4696`, ret: 4696},
	{want: `getpgrp() = 4686`, ret: 4686},
	{want: `alarm(1) = 0`, args: [6]uint64{1}},
	{want: `pause() = ? ERESTARTNOHAND (To be restarted if no handler)`, ret: -514},
	{want: `rt_sigsuspend([], 8) = ? ERESTARTNOHAND (To be restarted if no handler)`, args: [6]uint64{p1, 8}, ret: -514,
		mem: fakeMem{p1: blob{}.u64(0)}},
	{want: `rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)`, ret: -4, mem: fakeMem{p1 + sigreturnMaskOffset: blob{}.u64(0)}},
	{want: `rt_sigreturn() = 0`},
	{want: `utimensat(AT_FDCWD, "/tmp/dec/ut.c", [{tv_sec=1, tv_nsec=2} /* 1970-01-01T00:00:01.000000002+0000 */, UTIME_NOW], AT_SYMLINK_NOFOLLOW) = 0`,
		args: [6]uint64{0xffffff9c, p1, p2, 0x100}, mem: fakeMem{p1: cstr("/tmp/dec/ut.c"), p2: blob{}.u64(1, 2, 3, utimeNow)}},
	{want: `utimensat(AT_FDCWD, "/nonexistent", [UTIME_OMIT, UTIME_NOW], 0) = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{0xffffff9c, p1, p2, 0}, ret: enoent, mem: fakeMem{p1: cstr("/nonexistent"), p2: blob{}.u64(0, utimeOmit, 0, utimeNow)}},
	{want: `utimensat(0, NULL, NULL, 0) = 0`},
	{want: `fork() = 30821`, ret: 30821},
	{want: `vfork() = 30822`, ret: 30822},
}

// spMem is a fakeMem at a stop whose rsp is p1.
type spMem struct{ fakeMem }

func (spMem) StackPointer() uint64 { return p1 }

func TestRest(t *testing.T) {
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.UTC // strace printed the utimensat dates in the machine's zone, UTC
	for _, tc := range restCases {
		if m, ok := tc.mem.(fakeMem); ok {
			tc.mem, tc.exit = spMem{m}, spMem{m}
		}
		tc.run(t)
	}
	// exit never returns: the tracer never calls Exit.
	nr, _ := systab.Number("exit")
	if got := Enter(nr, [6]uint64{5}, nil).String(); got != "exit(5) = ?" {
		t.Errorf("got %s, want exit(5) = ?", got)
	}
}

// From a C program calling prctl with the options programs use.
var prctlCases = []callCase{
	{want: `prctl(PR_SET_NAME, "probe-name") = 0`, args: [6]uint64{15, p1}, mem: fakeMem{p1: cstr("probe-name")}},
	{want: `prctl(PR_GET_NAME, "probe-name") = 0`, args: [6]uint64{16, p1}, mem: fakeMem{p1: cstr("probe-name")}},
	{want: `prctl(PR_SET_PDEATHSIG, SIGKILL) = 0`, args: [6]uint64{1, 9}},
	{want: `prctl(PR_GET_PDEATHSIG, [SIGKILL]) = 0`, args: [6]uint64{2, p1}, mem: fakeMem{p1: blob{}.u32(9)}},
	{want: `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0`, args: [6]uint64{38, 1}},
	{want: `prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) = 1`, args: [6]uint64{39}, ret: 1},
	{want: `prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0`, args: [6]uint64{4, 0}},
	{want: `prctl(PR_GET_DUMPABLE) = 0 (SUID_DUMP_DISABLE)`, args: [6]uint64{3}},
	{want: `prctl(PR_SET_CHILD_SUBREAPER, 1) = 0`, args: [6]uint64{36, 1}},
	{want: `prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) = 1`, args: [6]uint64{23, 21}, ret: 1},
	{want: `prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0x1000, 4096, "x") = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{0x53564d41, 0, 0x1000, 4096, p1}, ret: einval, mem: fakeMem{p1: cstr("x")}},
	{want: `prctl(0x1234 /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)`, args: [6]uint64{0x1234, 1, 2, 3, 4}, ret: einval},
	{want: `prctl(PR_SET_KEEPCAPS, 1) = 0`, args: [6]uint64{8, 1}},
	{want: `prctl(PR_GET_SECCOMP) = 0`, args: [6]uint64{21}},
}

func TestPrctl(t *testing.T) { runCases(t, prctlCases) }

// From a C program making a container runtime's calls in a new mount
// namespace, under strace.
var namespaceCases = []callCase{
	{want: `unshare(CLONE_NEWNS|CLONE_NEWUTS) = 0`, args: [6]uint64{0x4020000}},
	{want: `mount("none", "/", NULL, MS_REC|MS_PRIVATE, NULL) = 0`, args: [6]uint64{p1, p2, 0, 0x44000, 0},
		mem: fakeMem{p1: cstr("none"), p2: cstr("/")}},
	{want: `mount("tmpfs", "/tmp/dec/mnt", "tmpfs", MS_NOSUID|MS_NODEV, "size=1m,mode=755") = 0`,
		args: [6]uint64{p1, p2, p1, 6, p3}, mem: fakeMem{p1: cstr("tmpfs"), p2: cstr("/tmp/dec/mnt"), p3: cstr("size=1m,mode=755")}},
	{want: `mount("/tmp/dec/mnt", "/tmp/dec/mnt", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL) = -1 EINVAL (Invalid argument)`,
		args: [6]uint64{p1, p1, 0, 0x1021, 0}, ret: einval, mem: fakeMem{p1: cstr("/tmp/dec/mnt")}},
	{want: `umount2("/tmp/dec/mnt", MNT_DETACH) = 0`, args: [6]uint64{p1, 2}, mem: fakeMem{p1: cstr("/tmp/dec/mnt")}},
	{want: `chroot("/nonexistent") = -1 ENOENT (No such file or directory)`, args: [6]uint64{p1}, ret: enoent,
		mem: fakeMem{p1: cstr("/nonexistent")}},
	{want: `sethostname("probe", 5) = 0`, args: [6]uint64{p1, 5}, mem: fakeMem{p1: []byte("probe")}},
	{want: `setns(3, CLONE_NEWUTS) = 0`, args: [6]uint64{3, 0x4000000}},
	{want: `pidfd_open(13325, 0) = 4`, args: [6]uint64{13325, 0}, ret: 4},
	{want: `pidfd_send_signal(4, 0, NULL, 0) = 0`, args: [6]uint64{4, 0, 0, 0}},
	{want: `flock(3, LOCK_EX|LOCK_NB) = 0`, args: [6]uint64{3, 6}},
	{want: `flock(3, LOCK_UN) = 0`, args: [6]uint64{3, 8}},
	{want: `inotify_init1(IN_NONBLOCK|IN_CLOEXEC) = 5`, args: [6]uint64{0x80800}, ret: 5},
	{want: `inotify_add_watch(5, "/tmp", IN_MOVED_TO|IN_CREATE|IN_DELETE) = 1`, args: [6]uint64{5, p1, 0x380}, ret: 1,
		mem: fakeMem{p1: cstr("/tmp")}},
	{want: `timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC|TFD_NONBLOCK) = 6`, args: [6]uint64{1, 0x80800}, ret: 6},
	{want: `signalfd4(-1, [USR1], 8, SFD_CLOEXEC) = 7`, args: [6]uint64{0xffffffff, p1, 8, 0x80000}, ret: 7,
		mem: fakeMem{p1: blob{}.u64(1 << 9)}},
	{want: `sched_setaffinity(0, 128, [0]) = 0`, args: [6]uint64{0, 128, p1}, mem: fakeMem{p1: blob{1}.pad(127)}},
	{want: `select(1, [0], NULL, NULL, {tv_sec=0, tv_usec=0}) = 1 (in [0], left {tv_sec=0, tv_usec=0})`,
		args: [6]uint64{1, p1, 0, 0, p2}, ret: 1, mem: fakeMem{p1: blob{}.u64(1), p2: blob{}.u64(0, 0)}},
	{want: `pivot_root("/nonexistent", "/nonexistent/old") = -1 ENOENT (No such file or directory)`,
		args: [6]uint64{p1, p2}, ret: enoent, mem: fakeMem{p1: cstr("/nonexistent"), p2: cstr("/nonexistent/old")}},
	{want: `getcpu(NULL, NULL, NULL) = 0`},
	{want: `getcpu([0], [0], NULL) = 0`, args: [6]uint64{p1, p2, 0}, mem: fakeMem{p1: blob{}.u32(0), p2: blob{}.u32(0)}},
	{want: `select(6, NULL, NULL, [5], {tv_sec=0, tv_usec=0}) = -1 EBADF (Bad file descriptor)`,
		args: [6]uint64{6, 0, 0, p1, p2}, ret: -int64(unix.EBADF), mem: fakeMem{p1: blob{}.u64(1 << 5), p2: blob{}.u64(0, 0)}},
}

// From a Go program running two commands (os/exec waits with waitid on a
// pidfd) and a C program calling waitid directly, under strace.
var waitidCases = []callCase{
	{want: `waitid(P_PIDFD, 8, 0x288aefaf6a30, WEXITED, NULL) = -1 ECHILD (No child processes)`,
		args: [6]uint64{3, 8, 0x288aefaf6a30, 4, 0}, ret: -int64(unix.ECHILD)},
	{want: `waitid(P_PIDFD, 11, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=26102, si_uid=0, si_status=3, si_utime=0, si_stime=0}, WEXITED, {ru_utime={tv_sec=0, tv_usec=979}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0`,
		args: [6]uint64{3, 11, p1, 4, p2}, mem: fakeMem{p1: blob{}.u32(17, 0, 1, 0, 26102, 0, 3, 0).u64(0, 0).pad(80),
			p2: blob{}.u64(0, 979, 0, 0).pad(112)}},
	{want: `waitid(P_PIDFD, 9, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=26100, si_uid=0, si_status=0, si_utime=0, si_stime=0}, WEXITED|__WCLONE, NULL) = 0`,
		args: [6]uint64{3, 9, p1, 0x80000004, 0}, mem: fakeMem{p1: blob{}.u32(17, 0, 1, 0, 26100, 0, 0, 0).u64(0, 0).pad(80)}},
	{want: `waitid(P_PID, 26113, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=26113, si_uid=0, si_status=SIGTERM, si_utime=0, si_stime=0}, WEXITED, NULL) = 0`,
		args: [6]uint64{1, 26113, p1, 4, 0}, mem: fakeMem{p1: blob{}.u32(17, 0, 2, 0, 26113, 0, 15, 0).u64(0, 0).pad(80)}},
	{want: `waitid(P_ALL, 0, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=26114, si_uid=0, si_status=7, si_utime=0, si_stime=0}, WEXITED|WNOWAIT, NULL) = 0`,
		args: [6]uint64{0, 0, p1, 0x1000004, 0}, mem: fakeMem{p1: blob{}.u32(17, 0, 1, 0, 26114, 0, 7, 0).u64(0, 0).pad(80)}},
	{want: `waitid(P_ALL, 0, 0x7ffd46b11d70, WNOHANG|WEXITED, NULL) = -1 ECHILD (No child processes)`,
		args: [6]uint64{0, 0, 0x7ffd46b11d70, 5, 0}, ret: -int64(unix.ECHILD)},
}

var rusageCases = []callCase{
	{want: `waitid(P_ALL, 0, {}, WNOHANG|WEXITED, NULL) = 0`, args: [6]uint64{0, 0, p1, 5, 0}, mem: fakeMem{p1: blob{}.pad(128)}},
	{want: `wait4(26544, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, {ru_utime={tv_sec=0, tv_usec=299}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 26544`,
		args: [6]uint64{26544, p1, 0, p2}, ret: 26544, mem: fakeMem{p1: blob{}.u32(0), p2: blob{}.u64(0, 299, 0, 0).pad(112)}},
	{want: `getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=299}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0`,
		args: [6]uint64{0xffffffffffffffff, p2}, mem: fakeMem{p2: blob{}.u64(0, 299, 0, 0).pad(112)}},
}

// From a C program waiting for a signal it sent itself.
var sigwaitCases = []callCase{
	{want: `rt_sigtimedwait([USR1], {si_signo=SIGUSR1, si_code=SI_USER, si_pid=31139, si_uid=0}, {tv_sec=0, tv_nsec=1000}, 8) = 10 (SIGUSR1)`,
		args: [6]uint64{p1, p2, p3, 8}, ret: 10,
		mem: fakeMem{p1: blob{}.u64(1 << 9), p2: blob{}.u32(10, 0, 0, 0, 31139, 0).pad(104), p3: blob{}.u64(0, 1000)}},
	{want: `rt_sigtimedwait([USR1], 0x7fff6b7b5f10, {tv_sec=0, tv_nsec=1000}, 8) = -1 EAGAIN (Resource temporarily unavailable)`,
		args: [6]uint64{p1, 0x7fff6b7b5f10, p3, 8}, ret: -int64(unix.EAGAIN), mem: fakeMem{p1: blob{}.u64(1 << 9), p3: blob{}.u64(0, 1000)}},
	{want: `rt_sigpending([], 8) = 0`, args: [6]uint64{p1, 8}, mem: fakeMem{p1: blob{}.u64(0)}},
	{want: `rt_sigqueueinfo(31139, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=31139, si_uid=0}) = 0`,
		args: [6]uint64{31139, 10, p1}, mem: fakeMem{p1: blob{}.u32(10, 0, 0xffffffff, 0, 31139, 0).pad(104)}},
	{want: `rt_sigtimedwait([USR1], NULL, NULL, 8) = 10 (SIGUSR1)`, args: [6]uint64{p1, 0, 0, 8}, ret: 10,
		mem: fakeMem{p1: blob{}.u64(1 << 9)}},
}

func TestWaitid(t *testing.T) {
	runCases(t, sigwaitCases)
	runCases(t, waitidCases)
	runCases(t, rusageCases)
}

func TestNamespaces(t *testing.T) { runCases(t, namespaceCases) }

// allCapsButResource is the capability line of the strace run: root in a
// container without CAP_SYS_RESOURCE.
const allCapsButResource = "1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE|1<<CAP_DAC_READ_SEARCH|1<<CAP_FOWNER|1<<CAP_FSETID|1<<CAP_KILL|1<<CAP_SETGID|1<<CAP_SETUID|1<<CAP_SETPCAP|1<<CAP_LINUX_IMMUTABLE|1<<CAP_NET_BIND_SERVICE|1<<CAP_NET_BROADCAST|1<<CAP_NET_ADMIN|1<<CAP_NET_RAW|1<<CAP_IPC_LOCK|1<<CAP_IPC_OWNER|1<<CAP_SYS_MODULE|1<<CAP_SYS_RAWIO|1<<CAP_SYS_CHROOT|1<<CAP_SYS_PTRACE|1<<CAP_SYS_PACCT|1<<CAP_SYS_ADMIN|1<<CAP_SYS_BOOT|1<<CAP_SYS_NICE|1<<CAP_SYS_TIME|1<<CAP_SYS_TTY_CONFIG|1<<CAP_MKNOD|1<<CAP_LEASE|1<<CAP_AUDIT_WRITE|1<<CAP_AUDIT_CONTROL|1<<CAP_SETFCAP|1<<CAP_MAC_OVERRIDE|1<<CAP_MAC_ADMIN|1<<CAP_SYSLOG|1<<CAP_WAKE_ALARM|1<<CAP_BLOCK_SUSPEND|1<<CAP_AUDIT_READ|1<<CAP_PERFMON|1<<CAP_BPF|1<<CAP_CHECKPOINT_RESTORE"

// From a C program making a container runtime's credential calls.
var credCases = []callCase{
	{want: `capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=` + allCapsButResource + `, permitted=` + allCapsButResource + `, inheritable=0}) = 0`,
		args: [6]uint64{p1, p2}, mem: fakeMem{p1: blob{}.u32(0x20080522, 0), p2: blob{}.u32(0xfeffffff, 0xfeffffff, 0, 0x1ff, 0x1ff, 0)}},
	{want: `capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=` + allCapsButResource + `, permitted=` + allCapsButResource + `, inheritable=0}) = 0`,
		args: [6]uint64{p1, p2}, mem: fakeMem{p1: blob{}.u32(0x20080522, 0), p2: blob{}.u32(0xfeffffff, 0xfeffffff, 0, 0x1ff, 0x1ff, 0)}},
	{want: `getresuid([0], [0], [0]) = 0`, args: [6]uint64{p1, p1, p1}, mem: fakeMem{p1: blob{}.u32(0)}},
	{want: `getresgid([0], [0], [0]) = 0`, args: [6]uint64{p1, p1, p1}, mem: fakeMem{p1: blob{}.u32(0)}},
	{want: `setresuid(-1, 0, -1) = 0`, args: [6]uint64{0xffffffff, 0, 0xffffffff}},
	{want: `setresgid(0, -1, -1) = 0`, args: [6]uint64{0, 0xffffffff, 0xffffffff}},
	{want: `openat2(AT_FDCWD, "/etc/passwd", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH}, 24) = -1 EXDEV (Invalid cross-device link)`,
		args: [6]uint64{0xffffff9c, p1, p2, 24}, ret: -int64(unix.EXDEV), mem: fakeMem{p1: cstr("/etc/passwd"), p2: blob{}.u64(0x80000, 0, 12)}},
	{want: `seccomp(SECCOMP_GET_ACTION_AVAIL, 0, [SECCOMP_RET_KILL_PROCESS]) = 0`, args: [6]uint64{2, 0, p1}, mem: fakeMem{p1: blob{}.u32(0x80000000)}},
	{want: `seccomp(SECCOMP_SET_MODE_STRICT, 0x1, NULL) = -1 EINVAL (Invalid argument)`, args: [6]uint64{0, 1, 0}, ret: einval},
	{want: `setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}) = 0`,
		args: [6]uint64{0, p1, p1}, mem: fakeMem{p1: blob{}.pad(32)}},
	{want: `getitimer(ITIMER_PROF, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}) = 0`,
		args: [6]uint64{2, p1}, mem: fakeMem{p1: blob{}.pad(32)}},
	{want: `times({tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0}) = 1720322309`, args: [6]uint64{p1}, ret: 1720322309,
		mem: fakeMem{p1: blob{}.pad(32)}},
	{want: `sysinfo({uptime=23655, loads=[230944, 374912, 393376], totalram=25276063744, freeram=23488065536, sharedram=9166848, bufferram=35880960, totalswap=0, freeswap=0, procs=93, totalhigh=0, freehigh=0, mem_unit=1}) = 0`,
		args: [6]uint64{p1}, mem: fakeMem{p1: blob{}.u64(23655, 230944, 374912, 393376, 25276063744, 23488065536, 9166848, 35880960, 0, 0).u16(93).pad(6).u64(0, 0).u32(1).pad(4)}},
}

func TestCredentials(t *testing.T) { runCases(t, credCases) }
