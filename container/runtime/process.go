package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// prepared is the init's process, checked before create returns so that
// a missing program or a bad seccomp policy fails create, not start.
type prepared struct {
	proc    *specs.Process
	path    string          // args[0] looked up in the container's PATH
	filter  *seccomp.Filter // nil without linux.seccomp
	agent   *listenerSender // linux.seccomp.listenerPath's (seccompnotify.go); nil without one
	caps    *capSets        // nil without process.capabilities
	boot    *bootstrap      // for the startContainer hooks
	tty     *os.File        // the pty slave with process.terminal
	stateFD int             // O_PATH fd of the state directory (for exec.fifo)
}

func prepare(s *specs.Spec, stateFD int) (*prepared, error) {
	if err := setRlimits(s.Process.Rlimits); err != nil {
		return nil, err
	}
	path, err := lookPath(s.Process.Args[0], s.Process.Env)
	if err != nil {
		return nil, fmt.Errorf("process.args[0]: %w", err)
	}
	p := &prepared{proc: s.Process, path: path, stateFD: stateFD}
	if p.caps, err = parseCaps(s.Process.Capabilities); err != nil {
		return nil, err
	}
	if sc := s.Linux.Seccomp; sc != nil {
		p.filter, err = seccomp.Compile(seccomp.FromOCI(sc))
		if err != nil {
			return nil, fmt.Errorf("linux.seccomp: %w", err)
		}
		if err := checkListenerPolicy(sc, p.filter); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// lookPath finds name in the PATH of env, as execvp(3) would inside the
// container (the root is already the container's).
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, executable(name)
	}
	pathVar := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	for _, dir := range filepath.SplitList(pathVar) {
		p := filepath.Join(dir, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q: executable file not found in $PATH", name)
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s: not an executable file", p)
	}
	return nil
}

// waitStart opens exec.fifo for writing, which blocks until start opens
// it for reading (fifo(7)), and writes one byte. The fd stays open
// (O_CLOEXEC): execve closes it, which tells Start the process runs.
func (p *prepared) waitStart() error {
	fd, err := unix.Openat(p.stateFD, fifoName, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening %s: %w", fifoName, err)
	}
	unix.Close(p.stateFD)
	_, err = unix.Write(fd, []byte{'0'})
	return err
}

// exec becomes the container's process: bounding set, user,
// capabilities, cwd, no_new_privs, then execve under the seccomp filter if
// there is one.
func (p *prepared) exec() int {
	st := p.boot.state(specs.StateCreated, p.boot.Pid)
	if err := runHooks("startContainer", hooksOf(p.boot.Spec).StartContainer, st); err != nil {
		fmt.Fprintln(os.Stderr, "container init:", err)
		return exitSetupFailed
	}
	if err := takeTerminal(p.tty); err != nil {
		fmt.Fprintln(os.Stderr, "container init: process.terminal:", err)
		return exitSetupFailed
	}
	if err := p.credentials(); err != nil {
		fmt.Fprintln(os.Stderr, "container init:", err)
		return exitSetupFailed
	}
	if err := unix.Chdir(p.proc.Cwd); err != nil {
		fmt.Fprintln(os.Stderr, "container init: process.cwd:", err)
		return exitSetupFailed
	}
	var err error
	if p.agent != nil {
		err = p.agent.execWithListener(p.filter, p.path, p.proc.Args, p.proc.Env, !p.keepPrivs())
	} else if p.filter != nil && p.keepPrivs() {
		err = p.filter.ExecPrivileged(p.path, p.proc.Args, p.proc.Env)
	} else if p.filter != nil {
		err = p.filter.Exec(p.path, p.proc.Args, p.proc.Env)
	} else {
		err = p.plainExec()
	}
	fmt.Fprintln(os.Stderr, "container init: exec:", err)
	return exitExecFailed
}

func (p *prepared) plainExec() error {
	if p.proc.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return err
		}
	}
	return unix.Exec(p.path, p.proc.Args, p.proc.Env)
}

// credentials: with process.capabilities, the bounding set is cut first
// (that needs CAP_SETPCAP), PR_SET_KEEPCAPS keeps the permitted set across
// the change of uid, and capset(2) then sets the three sets
// (capabilities(7) "Effect of user ID changes on capabilities").
func (p *prepared) credentials() error {
	if p.caps != nil {
		if err := p.caps.dropBounding(); err != nil {
			return fmt.Errorf("process.capabilities.bounding: %w", err)
		}
		if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_SET_KEEPCAPS): %w", err)
		}
	}
	if err := p.becomeUser(); err != nil {
		return fmt.Errorf("process.user: %w", err)
	}
	if p.caps != nil {
		if err := p.caps.apply(p.seccompAdmin()); err != nil {
			return fmt.Errorf("process.capabilities: %w", err)
		}
	}
	return nil
}

// keepPrivs reports whether the seccomp filter goes in without
// no_new_privs (process.noNewPrivileges false, as runc does). seccomp(2)
// then needs CAP_SYS_ADMIN: root without process.capabilities keeps all of
// its capabilities, and with them seccompAdmin keeps CAP_SYS_ADMIN. A
// non-root user without process.capabilities has none left, so its filter
// sets no_new_privs after all.
func (p *prepared) keepPrivs() bool {
	return !p.proc.NoNewPrivileges && (p.caps != nil || p.proc.User.UID == 0)
}

// seccompAdmin is the capability mask credentials adds to the effective
// and permitted sets so that ExecPrivileged may install the filter:
// CAP_SYS_ADMIN when keepPrivs. It does not outlive execve: the new
// program's permitted set comes from the inheritable, bounding and ambient
// sets and the file's capabilities, never from the old permitted set
// (capabilities(7) "Transformation of capabilities during execve()").
func (p *prepared) seccompAdmin() uint64 {
	if p.filter == nil || !p.keepPrivs() {
		return 0
	}
	return 1 << unix.CAP_SYS_ADMIN
}

// becomeUser sets the supplementary groups, gid and uid (in that order:
// after setuid the process may no longer change groups).
func (p *prepared) becomeUser() error {
	u := p.proc.User
	gids := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		gids[i] = int(g)
	}
	if err := unix.Setgroups(gids); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := threadCall(unix.SYS_SETGID, uintptr(u.GID)); err != nil {
		return fmt.Errorf("setgid: %w", err)
	}
	if err := threadCall(unix.SYS_SETUID, uintptr(u.UID)); err != nil {
		return fmt.Errorf("setuid: %w", err)
	}
	return nil
}

// threadCall makes a one-argument system call for this thread alone.
// Go's syscall.Setuid and Setgid change every thread of the process
// (AllThreadsSyscall: the world is stopped and each thread signalled, a
// few ms in the init); the init execs from this locked thread right after,
// and execve(2) keeps the calling thread's credentials and ends the other
// threads, so this thread's are the ones that count (the kernel's
// credentials are per thread, credentials(7)).
func threadCall(nr, arg uintptr) error {
	if _, _, e := unix.RawSyscall(nr, arg, 0, 0); e != 0 {
		return e
	}
	return nil
}
