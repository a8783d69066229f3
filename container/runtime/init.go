package runtime

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// envInit marks the re-executed binary as a container's init.
const envInit = "_DEEPSYS_CONTAINER_INIT"

// initEnv is the init's whole environment: the marker, and a Go runtime
// that collects no garbage (the init lives a few ms and allocates little:
// a collection costs more than it frees, and would start its worker
// threads) on one P (fewer threads to start, and GOMAXPROCS need not be
// read from the cgroup's CPU limit).
var initEnv = []string{envInit + "=1", "GOGC=off", "GOMAXPROCS=1"}

// readyMsg is what the init writes on the sync pipe once set up.
const readyMsg = "ready"

// Exit statuses of the init when the process cannot be started, as a
// shell's: 126 set-up failed after create returned, 127 exec failed.
const (
	exitSetupFailed = 126
	exitExecFailed  = 127
)

func init() {
	if os.Getenv(envInit) != "1" {
		return
	}
	runtime.LockOSThread()
	if err := enterNamespaces(); err != nil {
		fmt.Fprintln(os.NewFile(4, "sync"), err)
		os.Exit(exitSetupFailed)
	}
	os.Clearenv() // read by the Go runtime and enterNamespaces already; not for the hooks the init runs
	os.Exit(initMain())
}

// enterNamespaces finishes what the launch thread began: a new time
// namespace (timens.go), then the root of a joined mount namespace
// (launch.go); both before the cwd leaves the runtime's /proc.
func enterNamespaces() error {
	if err := enterTimeNS(); err != nil {
		return err
	}
	return enterNSRoot()
}

// initMain is the container's pid 1 until it execs the process.
func initMain() int {
	cfg, sync := os.NewFile(3, "config"), os.NewFile(4, "sync")
	var b bootstrap
	dec := json.NewDecoder(cfg)
	err := dec.Decode(&b)
	var p *prepared
	for _, fd := range b.CgroupFDs {
		unix.CloseOnExec(fd) // not for the hooks' processes
	}
	if err == nil {
		pipes := &initPipes{fromRuntime: bufio.NewReader(io.MultiReader(dec.Buffered(), cfg)), toRuntime: sync}
		p, err = setup(&b, pipes)
	}
	cfg.Close()
	if err == nil {
		// late, on this thread (resources.go), yet before create returns
		err = cgroups.JoinThread(b.CgroupFDs)
	}
	if err != nil {
		fmt.Fprintln(sync, err)
		return exitSetupFailed
	}
	fmt.Fprintln(sync, readyMsg)
	sync.Close()
	if err := p.waitStart(); err != nil {
		fmt.Fprintln(os.Stderr, "container init:", err)
		return exitSetupFailed
	}
	return p.exec()
}

// initPipes are the init's ends of the config and sync pipes.
type initPipes struct {
	fromRuntime *bufio.Reader
	toRuntime   io.Writer
}

// waitOK reads the runtime's answer, skipping the newline that ends the
// bootstrap JSON.
func (p *initPipes) waitOK() error {
	for {
		line, err := p.fromRuntime.ReadString('\n')
		switch strings.TrimSpace(line) {
		case "":
			if err != nil {
				return fmt.Errorf("waiting for the createRuntime hooks: %w", err)
			}
		case strings.TrimSpace(hookOK):
			return nil
		default:
			return fmt.Errorf("waiting for the createRuntime hooks: got %q", line)
		}
	}
}

// setup runs steps 3 and 4 of the package comment up to the fifo wait.
func setup(b *bootstrap, pipes *initPipes) (*prepared, error) {
	s := b.Spec
	if s == nil || s.Root == nil || s.Process == nil || s.Linux == nil {
		return nil, fmt.Errorf("bootstrap without a complete spec")
	}
	stateFD := stateDirFD
	unix.CloseOnExec(stateFD)
	if err := setOOMScoreAdj(s.Process.OOMScoreAdj); err != nil {
		return nil, err
	}
	listenerSock, err := connectListener(s.Linux.Seccomp) // a host path: before pivot_root
	if err != nil {
		return nil, err
	}
	if err := setupRootfs(s, func() error { return syncHooks(b, pipes) }); err != nil {
		return nil, err
	}
	if err := setupHost(s); err != nil {
		return nil, err
	}
	p, err := prepare(s, stateFD)
	if err != nil {
		return nil, err
	}
	p.boot = b
	if listenerSock >= 0 {
		if p.agent, err = newListenerSender(listenerSock, b); err != nil {
			return nil, err
		}
	}
	if s.Process.Terminal {
		p.tty, err = openPTY()
	}
	return p, err
}

// syncHooks has the runtime run the prestart and createRuntime hooks,
// then runs createContainer here (hooks.go).
func syncHooks(b *bootstrap, pipes *initPipes) error {
	h := hooksOf(b.Spec)
	//lint:ignore SA1019 prestart is deprecated by the spec, but configs still carry it and runtimes must run it
	if len(h.Prestart)+len(h.CreateRuntime) > 0 {
		fmt.Fprintln(pipes.toRuntime, hookMsg)
		if err := pipes.waitOK(); err != nil {
			return err
		}
	}
	return runHooks("createContainer", h.CreateContainer, b.state(specs.StateCreating, b.Pid))
}

// setupRootfs: private tree, rootfs bind, mounts, /dev, masked and
// readonly paths, pivot_root, read-only root.
func setupRootfs(s *specs.Spec, hooks func() error) error {
	prepare, jail := func() error { return prepareRoot(s) }, func() error { return pivotRoot(s.Root.Path) }
	if sharedMountNS(s) {
		prepare, jail = func() error { return prepareSharedRoot(s) }, func() error { return chrootRoot(s.Root.Path) }
	}
	steps := []func() error{
		prepare,
		func() error { return mountAll(s) },
		func() error { return setupDev(s.Root.Path, devMounted(s)) },
		func() error { return makeDevices(s.Root.Path, s.Linux.Devices) },
		func() error { return maskPaths(s.Root.Path, s.Linux.MaskedPaths) },
		func() error { return readonlyPaths(s.Root.Path, s.Linux.ReadonlyPaths) },
		hooks,
		jail,
	}
	if _, ok := propagationFlag[s.Linux.RootfsPropagation]; ok && !sharedMountNS(s) {
		steps = append(steps, func() error { return rootPropagation(s) }) // not in the host's namespace
	}
	if s.Root.Readonly {
		steps = append(steps, remountRootRO)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func devMounted(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if m.Destination == "/dev" {
			return true
		}
	}
	return false
}

// setupHost sets the hostname, domain name and sysctls.
func setupHost(s *specs.Spec) error {
	if s.Hostname != "" {
		if !hasNamespace(s, specs.UTSNamespace) {
			return fmt.Errorf("hostname: needs a uts namespace")
		}
		if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
			return fmt.Errorf("hostname: %w", err)
		}
	}
	if s.Domainname != "" {
		if err := unix.Setdomainname([]byte(s.Domainname)); err != nil {
			return fmt.Errorf("domainname: %w", err)
		}
	}
	return setSysctls(s.Linux.Sysctl)
}
