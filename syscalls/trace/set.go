package trace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/deepsys/deepsys/syscalls/systab"
)

// ParseSet reads strace's `-e trace=SET` qualifier (strace(1),
// "Filtering"): a comma list of syscall names and classes (%file,
// %process, %network or %net, %memory, %signal, %desc, %ipc, %creds),
// optionally preceded by "!" for every syscall but those, or "all". The
// "trace=" prefix is optional. It returns the syscall numbers, sorted.
func ParseSet(expr string) ([]int, error) {
	body := strings.TrimPrefix(expr, "trace=")
	if strings.Contains(body, "=") {
		return nil, fmt.Errorf("-e %q: only the trace= qualifier is supported", expr)
	}
	negate := strings.HasPrefix(body, "!")
	body = strings.TrimPrefix(body, "!")
	in := map[int]bool{}
	for _, name := range strings.Split(body, ",") {
		if err := addToSet(in, strings.TrimSpace(name)); err != nil {
			return nil, fmt.Errorf("-e %q: %w", expr, err)
		}
	}
	var out []int
	for nr := 0; nr <= systab.Max(); nr++ {
		if _, known := systab.Lookup(nr); known && in[nr] != negate {
			out = append(out, nr)
		}
	}
	return out, nil
}

func addToSet(in map[int]bool, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty syscall name")
	case name == "all":
		for _, n := range systab.Names() {
			nr, _ := systab.Number(n)
			in[nr] = true
		}
	case strings.HasPrefix(name, "%"):
		class, ok := classes[name[1:]]
		if !ok {
			return fmt.Errorf("unknown syscall class %q (have %s)", name, classNames())
		}
		for _, n := range strings.Fields(class) {
			if nr, ok := systab.Number(n); ok { // a class may name syscalls newer than the headers
				in[nr] = true
			}
		}
	default:
		nr, ok := systab.Number(name)
		if !ok {
			return fmt.Errorf("unknown syscall %q", name)
		}
		in[nr] = true
	}
	return nil
}

func classNames() string {
	var s []string
	for k := range classes {
		s = append(s, "%"+k)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// classes are strace's syscall classes (strace(1) "-e trace=%file" ...,
// the TF, TP, TN, TM, TS, TD, TI, TC flags of its syscallent tables), as
// lists of names.
var classes = map[string]string{
	"file": `open openat openat2 creat access faccessat faccessat2 stat lstat newfstatat statx statfs
		truncate chdir chroot mkdir mkdirat rmdir rename renameat renameat2 link linkat unlink unlinkat
		symlink symlinkat readlink readlinkat chmod fchmodat fchmodat2 chown lchown fchownat utime utimes
		futimesat utimensat mknod mknodat execve execveat setxattr lsetxattr getxattr lgetxattr listxattr
		llistxattr removexattr lremovexattr swapon swapoff mount umount2 pivot_root acct name_to_handle_at
		inotify_add_watch fanotify_mark quotactl uselib open_tree move_mount mount_setattr`,
	"process": `fork vfork clone clone3 execve execveat exit exit_group wait4 waitid kill tkill tgkill
		rt_sigqueueinfo rt_tgsigqueueinfo pidfd_send_signal`,
	"network": `socket socketpair bind listen accept accept4 connect getsockname getpeername sendto recvfrom
		sendmsg recvmsg sendmmsg recvmmsg shutdown setsockopt getsockopt`,
	"memory": `brk mmap munmap mremap mprotect pkey_mprotect madvise process_madvise mlock mlock2 munlock
		mlockall munlockall mincore msync remap_file_pages mbind get_mempolicy set_mempolicy
		set_mempolicy_home_node migrate_pages move_pages`,
	"signal": `rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend rt_sigpending rt_sigtimedwait
		rt_sigqueueinfo rt_tgsigqueueinfo kill tkill tgkill sigaltstack pause signalfd signalfd4
		pidfd_send_signal`,
	"desc": `read write open close fstat poll lseek mmap ioctl pread64 pwrite64 readv writev pipe pipe2
		select pselect6 ppoll dup dup2 dup3 sendfile fcntl flock fsync fdatasync truncate ftruncate
		getdents getdents64 fchdir fchmod fchown fstatfs readahead fsetxattr fgetxattr flistxattr
		fremovexattr epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait epoll_pwait2 fadvise64
		openat openat2 creat mkdirat mknodat fchownat futimesat newfstatat unlinkat renameat renameat2
		linkat symlinkat readlinkat fchmodat faccessat faccessat2 splice tee vmsplice sync_file_range
		utimensat signalfd signalfd4 timerfd_create timerfd_settime timerfd_gettime eventfd eventfd2
		fallocate inotify_init inotify_init1 inotify_add_watch inotify_rm_watch preadv pwritev preadv2
		pwritev2 fanotify_init fanotify_mark name_to_handle_at open_by_handle_at syncfs setns
		memfd_create copy_file_range statx io_uring_setup io_uring_enter io_uring_register pidfd_open
		pidfd_getfd close_range process_madvise execveat fspick fsmount fsopen open_tree move_mount
		mount_setattr`,
	"ipc": `msgget msgsnd msgrcv msgctl semget semop semctl semtimedop shmget shmat shmdt shmctl`,
	"creds": `getuid geteuid getgid getegid setuid setgid setreuid setregid setresuid getresuid setresgid
		getresgid setfsuid setfsgid getgroups setgroups capget capset prctl`,
}

func init() { classes["net"] = classes["network"] }
