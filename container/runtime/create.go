package runtime

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// CreateOptions are the inputs of create (runc create's flags).
type CreateOptions struct {
	Root    string // state root; DefaultRoot if empty
	ID      string
	Bundle  string
	PidFile string // if set, the init's pid is written here
	// ConsoleSocket is the unix socket that receives the pty master when
	// process.terminal is true (console.go).
	ConsoleSocket string
	// Stdio of the container's process; nil means /dev/null. *os.File
	// values are handed to the process itself.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Signals, for Run: each signal received is passed to the container's
	// process while Run waits for it (forward.go).
	Signals <-chan os.Signal
}

// Container is a created container; Wait works only in the process that
// created it (the init is its child).
type Container struct {
	ID     string
	Pid    int
	Cgroup string // its cgroup path (resources.go)
	cmd    *exec.Cmd
}

// Wait waits for the container's process and returns its exit code
// (128+n when killed by signal n, as a shell reports it).
func (c *Container) Wait() (int, error) {
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return 0, err
}

// bootstrap is what the init reads from fd 3.
type bootstrap struct {
	Spec     *specs.Spec `json:"spec"`
	StateDir string      `json:"stateDir"`
	ID       string      `json:"id"`
	Bundle   string      `json:"bundle"`
	Pid      int         `json:"pid"` // the init's pid on the host
	// CgroupFDs are the init's fds of the v1 tasks files it writes to
	// join the container's cgroup right before it execs (resources.go).
	CgroupFDs []int `json:"cgroupFDs,omitempty"`
}

// state is the OCI state the hooks read on stdin.
func (b *bootstrap) state(st specs.ContainerState, pid int) *specs.State {
	return &specs.State{Version: specs.Version, ID: b.ID, Status: st, Pid: pid, Bundle: b.Bundle,
		Annotations: b.Spec.Annotations}
}

// Create makes the container: state directory, exec.fifo and an init
// process in new namespaces that has set up the rootfs and now waits on
// the fifo. On error nothing is left behind.
func Create(o CreateOptions) (c *Container, err error) {
	if o.Root == "" {
		o.Root = DefaultRoot
	}
	if err := checkID(o.ID); err != nil {
		return nil, err
	}
	bundle, err := filepath.Abs(o.Bundle)
	if err != nil {
		return nil, err
	}
	spec, err := LoadBundle(bundle)
	if err != nil {
		return nil, err
	}
	switch {
	case spec.Process.Terminal && o.ConsoleSocket == "":
		return nil, errNoConsole
	case !spec.Process.Terminal && o.ConsoleSocket != "":
		return nil, errors.New("--console-socket: process.terminal is false")
	}
	dir, err := makeStateDir(o.Root, o.ID)
	if err != nil {
		return nil, err
	}
	var shared sharedRoot
	if sharedMountNS(spec) { // nomntns.go
		if shared.ID, err = mountID(spec.Root.Path); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("root.path: %w", err)
		}
		shared.Path = spec.Root.Path
	}
	defer func() {
		if err != nil {
			detachRootfs(shared.Path, shared.ID)
			os.RemoveAll(dir)
		}
	}()
	c, err = startInit(o, &bootstrap{Spec: spec, StateDir: dir, ID: o.ID, Bundle: bundle})
	if err != nil {
		return nil, err
	}
	return c, finishCreate(o, c, spec, bundle, dir, shared)
}

// makeStateDir creates <root>/<id> and its exec.fifo.
func makeStateDir(root, id string) (string, error) {
	if err := os.MkdirAll(root, 0o711); err != nil {
		return "", err
	}
	dir := stateDir(root, id)
	if err := os.Mkdir(dir, 0o711); errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("container %q already exists", id)
	} else if err != nil {
		return "", err
	}
	if err := unix.Mkfifo(filepath.Join(dir, fifoName), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("mkfifo %s: %w", fifoName, err)
	}
	return dir, nil
}

// finishCreate writes state.json and the pid file; on error it kills the
// init.
func finishCreate(o CreateOptions, c *Container, spec *specs.Spec, bundle, dir string, shared sharedRoot) error {
	_, start, err := procStat(c.Pid)
	if err == nil {
		r := &record{ID: o.ID, Pid: c.Pid, Bundle: bundle, Created: time.Now().UTC(), Start: start, Annot: spec.Annotations,
			Hooks: spec.Hooks, Cgroup: c.Cgroup, Resources: spec.Linux.Resources, SharedRoot: shared, Config: spec}
		err = r.save(dir)
	}
	if err == nil && o.PidFile != "" {
		err = os.WriteFile(o.PidFile, []byte(strconv.Itoa(c.Pid)), 0o644)
	}
	if err != nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		destroyCgroup(c.Cgroup)
	}
	return err
}

// startInit re-executes this binary as the container's init and waits for
// its "ready" (or its error) on the sync pipe. The container's cgroup is
// made first and joined late (resources.go).
func startInit(o CreateOptions, b *bootstrap) (*Container, error) {
	path := cgroupPath(o.ID, b.Spec)
	cg, err := prepareCgroup(path, withDeviceRules(b.Spec.Linux.Resources, b.Spec.Linux.Devices))
	if err != nil {
		return nil, fmt.Errorf("linux.resources: %w", err)
	}
	defer cg.Close()
	c, err := startInitIn(o, b, cg)
	if err != nil {
		destroyCgroup(path)
		return nil, err
	}
	c.Cgroup = path
	return c, nil
}

// childPipes are the two pipes between the runtime and a child it starts
// (the init, or exec's process): the config, runtime to child (the
// child's fd 3), and sync, child to runtime (fd 4).
func childPipes() (cfgR, cfgW, syncR, syncW *os.File, err error) {
	if cfgR, cfgW, err = os.Pipe(); err != nil {
		return nil, nil, nil, nil, err
	}
	if syncR, syncW, err = os.Pipe(); err != nil {
		cfgR.Close()
		cfgW.Close()
		return nil, nil, nil, nil, err
	}
	return cfgR, cfgW, syncR, syncW, nil
}

// startInitIn starts the init with the cgroup's join files and runs the
// handshake.
func startInitIn(o CreateOptions, b *bootstrap, cg *cgroups.Prepared) (*Container, error) {
	cfgR, cfgW, syncR, syncW, err := childPipes()
	if err != nil {
		return nil, err
	}
	defer cfgW.Close()
	defer syncR.Close()
	cmd := initCommand(o, b.Spec, cfgR, syncW)
	err = addInitFiles(cmd, o, b)
	owned := cmd.ExtraFiles // the pipes' child ends, the console, the state directory
	if err == nil {
		b.CgroupFDs = passCgroup(cmd, cg) // fds 7 and up
		err = launchInit(cmd, b.Spec)
	}
	for _, f := range owned {
		if f != nil {
			f.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("starting the container's init: %w", err)
	}
	c := &Container{ID: o.ID, Pid: cmd.Process.Pid, cmd: cmd}
	if err := handshake(c, b, cfgW, syncR); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return c, nil
}

// initCommand is the init's command; launch.go sets its path.
func initCommand(o CreateOptions, spec *specs.Spec, cfg, sync *os.File) *exec.Cmd {
	cmd := &exec.Cmd{Args: []string{"deepsys-container-init", "init"}, Env: slices.Clone(initEnv)}
	cmd.ExtraFiles = []*os.File{cfg, sync}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: cloneFlags(spec.Linux.Namespaces)}
	userNSAttr(cmd.SysProcAttr, spec.Linux)
	return cmd
}

// The init's fds beyond the pipes: the console socket connection (fd 5,
// or nothing there) and an O_PATH fd of the state directory (fd 6), which
// the init may not reach by path (a joined mount namespace, a mapped user).
const stateDirFD = 6

// addInitFiles appends fds 5 and 6 to cmd.ExtraFiles.
func addInitFiles(cmd *exec.Cmd, o CreateOptions, b *bootstrap) error {
	var console *os.File
	if o.ConsoleSocket != "" {
		var err error
		if console, err = dialConsole(o.ConsoleSocket); err != nil {
			return err
		}
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, console)
	fd, err := unix.Open(b.StateDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening the state directory: %w", err)
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(fd), b.StateDir))
	return nil
}

// launchInit starts the init from a thread in the namespaces the config
// joins by path (launch.go); a new time namespace is the init's to make
// (timens.go).
func launchInit(cmd *exec.Cmd, spec *specs.Spec) error {
	if err := reachable(spec.Linux, spec.Root.Path); err != nil {
		return err
	}
	t, err := openJoins(spec.Linux.Namespaces)
	if err != nil {
		return err
	}
	defer t.close()
	if nss := spec.Linux.Namespaces; hasNSType(nss, specs.TimeNamespace) && nsPath(nss, specs.TimeNamespace) == "" {
		cmd.Env = append(cmd.Env, timeNSEnv(timensOffsets(spec.Linux.TimeOffsets)))
	}
	return launch(cmd, t)
}

// handshake sends the bootstrap, runs the createRuntime hooks when the
// init asks, and reads the verdict.
func handshake(c *Container, b *bootstrap, cfgW, syncR *os.File) error {
	b.Pid = c.Pid
	if err := json.NewEncoder(cfgW).Encode(b); err != nil {
		return initGone(syncR, fmt.Errorf("sending the config to the init: %w", err))
	}
	r := bufio.NewReader(syncR)
	for {
		line, err := r.ReadString('\n')
		switch msg := strings.TrimSpace(line); {
		case msg == hookMsg:
			if err := runtimeHooks(b, c.Pid); err != nil {
				return err
			}
			if _, err := io.WriteString(cfgW, hookOK); err != nil {
				return err
			}
		case msg == readyMsg:
			return nil
		case msg != "":
			rest, _ := io.ReadAll(r)
			return fmt.Errorf("container init: %s", strings.TrimSpace(msg+"\n"+string(rest)))
		case err != nil:
			return errors.New("the container's init exited before it was ready")
		}
	}
}

// initGone is err, or the init's own message when it wrote one on the
// sync pipe before it exited (e.g. from enterNamespaces).
func initGone(syncR io.Reader, err error) error {
	msg, _ := io.ReadAll(syncR)
	if m := strings.TrimSpace(string(msg)); m != "" {
		return fmt.Errorf("container init: %s", m)
	}
	return err
}

// runtimeHooks runs prestart then createRuntime hooks.
func runtimeHooks(b *bootstrap, pid int) error {
	h, st := hooksOf(b.Spec), b.state(specs.StateCreating, pid)
	//lint:ignore SA1019 prestart is deprecated by the spec, but configs still carry it and runtimes must run it
	if err := runHooks("prestart", h.Prestart, st); err != nil {
		return err
	}
	return runHooks("createRuntime", h.CreateRuntime, st)
}
