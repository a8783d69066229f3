package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Exec: another process in a running container (runc exec).
//
//  1. Exec reads the container's state and the config create kept, and opens
//     /proc/<init>/ns/<type> for each namespace type the config names
//     whose namespace differs from the runtime's own.
//  2. The launch thread (launch.go) setns(2)s into them, the mount
//     namespace last, and forks+execs this binary with the marker envExec:
//     the child starts in the container's namespaces (pid: it gets a pid
//     there; mount: it chroots into the container's root first thing).
//  3. The runtime moves the child into the container's cgroup, then sends
//     it the process and the container's seccomp policy on a pipe (fd 3).
//  4. The child (execMain) applies the process section as the init does
//     (rlimits, args[0] looked up in PATH, terminal, bounding set, user and
//     groups, capabilities, cwd, no_new_privs, seccomp) and execs. Its
//     errors come back on the sync pipe (fd 4), which is close-on-exec: EOF
//     with no message means the execve succeeded.
//  5. Exec waits for the process and returns its exit status, unless
//     detached.
//
// A user namespace cannot be joined (setns.go), so Exec refuses a
// container that has one. A time namespace cannot be joined either: the
// child makes a new one with the container's offsets (timens.go), so its
// clocks agree with the container's.

// envExec marks the re-executed binary as an exec child (which runs, as
// the init, without garbage collection on one P: initEnv).
const envExec = "_DEEPSYS_CONTAINER_EXEC"

// ExecOptions are the options of runc exec that are not in the process.
type ExecOptions struct {
	Detach        bool   // return once the process runs
	PidFile       string // if set, the process's pid (host) is written here
	ConsoleSocket string // receives the pty master when process.terminal
	Stdin         io.Reader
	Stdout        io.Writer
	Stderr        io.Writer
}

// execBootstrap is what the exec child reads from fd 3. The rest after
// Seccomp is for the seccomp agent's message when the policy has a
// listener, whose connection is then the child's fd listenerFD.
type execBootstrap struct {
	Process     *specs.Process      `json:"process"`
	Seccomp     *specs.LinuxSeccomp `json:"seccomp,omitempty"`
	ID          string              `json:"id"`
	Bundle      string              `json:"bundle"`
	Annotations map[string]string   `json:"annotations,omitempty"`
	InitPid     int                 `json:"initPid"` // the container's
	Pid         int                 `json:"pid"`     // the exec'd process's, on the host
	Listener    bool                `json:"listener,omitempty"`
}

// listenerFD is the exec child's fd of the seccomp agent connection.
const listenerFD = 6

// ParseProcess decodes a process.json (runc exec --process): a
// runtime-spec process object, strictly (an unknown field or a bad type is
// an error naming it; malformed JSON gives line and column).
func ParseProcess(data []byte) (*specs.Process, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p specs.Process
	if err := dec.Decode(&p); err != nil {
		return nil, describeJSONError(data, err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("malformed JSON: trailing data after the object at offset %d", dec.InputOffset())
	}
	if err := checkExecProcess(&p, ExecOptions{ConsoleSocket: consoleIf(p.Terminal)}); err != nil {
		return nil, err
	}
	return &p, nil
}

// consoleIf lets checkExecProcess skip the console socket check.
func consoleIf(terminal bool) string {
	if terminal {
		return "-"
	}
	return ""
}

// ContainerProcess returns the process section of container id's config,
// the base runc exec builds on when it is given args instead of
// --process.
func ContainerProcess(root, id string) (*specs.Process, error) {
	r, err := loadRecord(root, id)
	if err != nil {
		return nil, err
	}
	s, err := r.config()
	if err != nil {
		return nil, err
	}
	p := *s.Process
	return &p, nil
}

// config is the container's config as create read it (older state
// directories lack it: then the bundle's).
func (r *record) config() (*specs.Spec, error) {
	if r.Config != nil && r.Config.Process != nil && r.Config.Linux != nil {
		return r.Config, nil
	}
	s, err := LoadBundle(r.Bundle)
	if err != nil {
		return nil, fmt.Errorf("container %q: %w", r.ID, err)
	}
	return s, nil
}

// Exec runs p in container id and returns its exit status (0 at once
// with Detach).
func Exec(root, id string, p *specs.Process, o ExecOptions) (int, error) {
	c, err := StartExec(root, id, p, o)
	if err != nil || o.Detach {
		return 0, err
	}
	return c.Wait()
}

// StartExec is steps 1 to 4: it returns once p's program runs; Wait on
// the result waits for it.
func StartExec(root, id string, p *specs.Process, o ExecOptions) (*Container, error) {
	if root == "" {
		root = DefaultRoot
	}
	r, err := loadRecord(root, id)
	if err != nil {
		return nil, err
	}
	switch r.status(root) {
	case specs.StateStopped:
		return nil, fmt.Errorf("container %q is stopped: cannot exec in it", id)
	case stateFrozen: // the child would freeze on joining the cgroup
		return nil, fmt.Errorf("container %q is paused: resume it before exec", id)
	}
	s, err := r.config()
	if err != nil {
		return nil, err
	}
	if err := checkExecProcess(p, o); err != nil {
		return nil, err
	}
	t, timeOffsets, err := openContainerNS(r.Pid, s.Linux.Namespaces)
	if err != nil {
		return nil, fmt.Errorf("container %q: %w", id, err)
	}
	defer t.close()
	sock, err := connectListener(s.Linux.Seccomp) // a host path: the runtime connects (seccompnotify.go)
	if err != nil {
		return nil, fmt.Errorf("container %q: %w", id, err)
	}
	b := &execBootstrap{Process: p, Seccomp: s.Linux.Seccomp, ID: id, Bundle: r.Bundle, Annotations: r.Annot,
		InitPid: r.Pid, Listener: sock >= 0}
	c, err := startExecChild(r, t, timeOffsets, b, sock, o)
	if err != nil {
		return nil, fmt.Errorf("container %q: exec: %w", id, err)
	}
	if o.PidFile != "" {
		if err := os.WriteFile(o.PidFile, []byte(strconv.Itoa(c.Pid)), 0o644); err != nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
			return nil, err
		}
	}
	return c, nil
}

// checkExecProcess checks what the child relies on.
func checkExecProcess(p *specs.Process, o ExecOptions) error {
	switch {
	case p == nil || len(p.Args) == 0:
		return errors.New("process.args: empty")
	case !strings.HasPrefix(p.Cwd, "/"):
		return fmt.Errorf("process.cwd: %q is not an absolute path", p.Cwd)
	case p.Terminal && o.ConsoleSocket == "":
		return errNoConsole
	case !p.Terminal && o.ConsoleSocket != "":
		return errors.New("--console-socket: process.terminal is false")
	}
	_, err := parseCaps(p.Capabilities)
	return err
}

// openContainerNS opens the namespaces of pid of the types in nss that
// differ from the runtime's, the mount namespace last. A time namespace is
// not joined: its offsets are returned instead.
func openContainerNS(pid int, nss []specs.LinuxNamespace) (_ *threadNS, offsets string, err error) {
	t := &threadNS{}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	proc := "/proc/" + strconv.Itoa(pid)
	for _, ns := range nss {
		path := proc + "/ns/" + nsFile[ns.Type]
		if ns.Type == specs.TimeNamespace {
			path += "_for_children" // the init enters it only when it execs the process (timens.go)
		}
		same, err := sameNS(path, "/proc/self/ns/"+nsFile[ns.Type])
		switch {
		case err != nil:
			return nil, "", err
		case same:
			continue
		case ns.Type == specs.UserNamespace:
			return nil, "", fmt.Errorf("it has a user namespace: %s", notJoinable[specs.UserNamespace])
		case ns.Type == specs.TimeNamespace:
			b, err := os.ReadFile(proc + "/timens_offsets")
			if err != nil {
				return nil, "", err
			}
			offsets = string(b)
			continue
		}
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, "", err
		}
		t.join = append(t.join, nsFD{fd: fd, typ: ns.Type, what: "setns " + path})
	}
	t.mountLast()
	return t, offsets, nil
}

// nsFile is the name of each type under /proc/<pid>/ns (namespaces(7)).
var nsFile = map[specs.LinuxNamespaceType]string{
	specs.PIDNamespace: "pid", specs.NetworkNamespace: "net", specs.MountNamespace: "mnt",
	specs.IPCNamespace: "ipc", specs.UTSNamespace: "uts", specs.UserNamespace: "user",
	specs.CgroupNamespace: "cgroup", specs.TimeNamespace: "time",
}

// sameNS reports whether two namespace files are the same namespace
// (same device and inode, namespaces(7)).
func sameNS(a, b string) (bool, error) {
	var sa, sb unix.Stat_t
	if err := unix.Stat(a, &sa); err != nil {
		return false, err
	}
	if err := unix.Stat(b, &sb); err != nil {
		return false, err
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}

// startExecChild is steps 2 to 4.
func startExecChild(r *record, t *threadNS, offsets string, b *execBootstrap, sock int, o ExecOptions) (*Container, error) {
	// The socket's *os.File owns the fd: a raw close would leave the
	// wrapper's finalizer to close the number again later, when it may be
	// another file's.
	var sockFile *os.File
	if sock >= 0 {
		sockFile = os.NewFile(uintptr(sock), "seccomp agent")
		defer sockFile.Close()
	}
	cfgR, cfgW, syncR, syncW, err := childPipes()
	if err != nil {
		return nil, err
	}
	defer cfgW.Close()
	defer syncR.Close()
	cmd := &exec.Cmd{Args: []string{"deepsys-container-exec", "exec"}, Env: []string{envExec + "=1", "GOGC=off", "GOMAXPROCS=1"},
		Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr, SysProcAttr: &syscall.SysProcAttr{}}
	cmd.ExtraFiles = []*os.File{cfgR, syncW, nil} // fds 3, 4, 5 (console)
	if sock >= 0 {
		cmd.ExtraFiles = append(cmd.ExtraFiles, sockFile) // listenerFD
	}
	if offsets != "" {
		cmd.Env = append(cmd.Env, timeNSEnv(offsets))
	}
	if o.ConsoleSocket != "" {
		if cmd.ExtraFiles[2], err = dialConsole(o.ConsoleSocket); err != nil {
			cfgR.Close()
			syncW.Close()
			return nil, err
		}
	}
	owned := cmd.ExtraFiles[:3] // the socket's fd is closed by the defer above
	err = launch(cmd, t)
	for _, f := range owned {
		if f != nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, err
	}
	c := &Container{ID: r.ID, Pid: cmd.Process.Pid, Cgroup: r.Cgroup, cmd: cmd}
	if err := execHandshake(c, b, cfgW, syncR); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return c, nil
}

// execHandshake is step 3 and the wait for step 4's verdict.
func execHandshake(c *Container, b *execBootstrap, cfgW, syncR *os.File) error {
	if c.Cgroup != "" {
		m, err := cgroups.New(c.Cgroup)
		if err == nil {
			err = m.Apply(c.Pid)
		}
		if err != nil {
			return fmt.Errorf("joining cgroup %s: %w", c.Cgroup, err)
		}
	}
	b.Pid = c.Pid
	if err := json.NewEncoder(cfgW).Encode(b); err != nil {
		return initGone(syncR, fmt.Errorf("sending the process: %w", err))
	}
	cfgW.Close()
	msg, err := io.ReadAll(syncR)
	if err != nil {
		return err
	}
	if m := strings.TrimSpace(string(msg)); m != "" {
		return errors.New(m)
	}
	return nil
}
