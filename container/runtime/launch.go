package runtime

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Starting a process from a thread that has entered namespaces first.
//
// setns(2) and unshare(2) change the namespaces of the calling thread
// only, and a Go process has many threads; but Go's fork runs on the
// calling goroutine's thread when it is locked, and a child inherits the
// namespaces of the thread that forked it. So create and exec start their
// child like this:
//
//  1. a new goroutine locks its OS thread (runtime.LockOSThread) and never
//     unlocks it: when the goroutine returns, Go ends the thread with it,
//     so no other goroutine ever runs in the namespaces it entered. The
//     main thread is the exception (Go parks it for good instead, and
//     /proc/self shows its namespaces): on it, launch holds the thread and
//     starts over in another goroutine, which must then get another thread;
//  2. it opens /proc (O_PATH) while still in the runtime's namespaces;
//  3. unshare(CLONE_FS) gives the thread its own root and cwd, which
//     setns(CLONE_NEWNS) needs (setns(2): EINVAL "the caller shares
//     filesystem attributes") and which it then changes;
//  4. setns(2) into each namespace given by an fd, the mount namespace
//     last (it moves the thread's root and cwd to that namespace's root).
//     For a pid or time namespace setns sets the namespace of the children
//     (pid_namespaces(7): pid_for_children; time_namespaces(7));
//  5. fchdir to the /proc of step 2 and fork+exec "self/exe", a path
//     relative to the cwd: it needs no walk from / (whose mode may deny a
//     mapped user, or which is another namespace's root by now); the
//     magic link /proc/self/exe is the child's own, which it may follow.
//
// The child's parent thread ends right after the fork, so a child started
// this way must not use SysProcAttr.Pdeathsig (prctl(2): the signal comes
// when the parent *thread* exits).
//
// A user namespace cannot be joined this way: setns(CLONE_NEWUSER) wants
// a single-threaded caller (setns(2) EINVAL), and a Go program has
// threads before its first line runs (see setns.go).
type threadNS struct {
	join []nsFD // namespaces to enter, mount last
}

// nsFD is an open namespace file and what to call it in errors.
type nsFD struct {
	fd   int
	typ  specs.LinuxNamespaceType
	what string // e.g. "linux.namespaces[2].path: setns /proc/7/ns/pid"
}

// close closes the namespace fds.
func (t *threadNS) close() {
	for _, j := range t.join {
		unix.Close(j.fd)
	}
	t.join = nil
}

// launch starts cmd (whose Path is set here) from a new locked thread
// that first enters t's namespaces, as the steps above.
func launch(cmd *exec.Cmd, t *threadNS) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with this goroutine
		if unix.Gettid() == unix.Getpid() {
			// The main thread is not ended with its goroutine (Go wedges
			// it), and /proc/self shows its namespaces: keep it busy here
			// so that the retry's goroutine gets another thread.
			done <- launch(cmd, t)
			runtime.UnlockOSThread()
			return
		}
		done <- t.enterAndStart(cmd)
	}()
	return <-done
}

func (t *threadNS) enterAndStart(cmd *exec.Cmd) error {
	proc, err := unix.Open("/proc", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening /proc: %w", err)
	}
	defer unix.Close(proc)
	host, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening /: %w", err)
	}
	defer unix.Close(host)
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare(CLONE_FS): %w", err)
	}
	for _, j := range t.join {
		if err := unix.Setns(j.fd, int(cloneFlag[j.typ])); err != nil {
			return fmt.Errorf("%s (%s): %w", j.what, j.typ, err)
		}
		if j.typ == specs.MountNamespace {
			root, err := keepRootForChild(cmd, host)
			if err != nil {
				return err
			}
			defer root.Close()
		}
	}
	if err := unix.Fchdir(proc); err != nil {
		return fmt.Errorf("fchdir /proc: %w", err)
	}
	cmd.Path = "self/exe"
	return cmd.Start()
}

// The root of a joined mount namespace. setns(CLONE_NEWNS) also sets the
// thread's root to that namespace's root; but execve looks the ELF
// interpreter of a dynamically linked binary (ld-linux, for a cgo build)
// up from the caller's root, and a container's root has none. So, step
// 4 for a mount namespace: the thread opens the namespace's root, chroots
// back to the runtime's / (an fd opened before setns), and hands the
// namespace root to the child as one more fd, whose number envRootFD
// gives; the child's first act (enterNSRoot) is fchdir + chroot(".") into
// it, which is where setns would have left it.
const envRootFD = "_DEEPSYS_CONTAINER_ROOTFD"

// keepRootForChild passes the current root to cmd's child and returns the
// thread's root to host, an fd of the runtime's /. The caller closes the
// returned file once the child has started.
func keepRootForChild(cmd *exec.Cmd, host int) (*os.File, error) {
	fd, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the joined mount namespace's root: %w", err)
	}
	root := os.NewFile(uintptr(fd), "namespace root")
	cmd.Env = append(cmd.Env, envRootFD+"="+strconv.Itoa(3+len(cmd.ExtraFiles)))
	cmd.ExtraFiles = append(cmd.ExtraFiles, root)
	if err := unix.Fchdir(host); err != nil {
		root.Close()
		return nil, fmt.Errorf("fchdir to the runtime's root: %w", err)
	}
	if err := unix.Chroot("."); err != nil {
		root.Close()
		return nil, fmt.Errorf("chroot to the runtime's root: %w", err)
	}
	return root, nil
}

// enterNSRoot is the child's side: chroot into the namespace root it was
// given, or chdir("/") to leave the launch thread's /proc.
func enterNSRoot() error {
	v := os.Getenv(envRootFD)
	if v == "" {
		return unix.Chdir("/")
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return fmt.Errorf("%s=%q: not an fd", envRootFD, v)
	}
	if err := unix.Fchdir(fd); err != nil {
		return fmt.Errorf("fchdir to the namespace root: %w", err)
	}
	unix.Close(fd)
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot to the namespace root: %w", err)
	}
	return nil
}
