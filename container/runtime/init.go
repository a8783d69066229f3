package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// envInit marks the re-executed binary as a container's init.
const envInit = "_DEEPSYS_CONTAINER_INIT"

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
	os.Exit(initMain())
}

// initMain is the container's pid 1 until it execs the process.
func initMain() int {
	cfg, sync := os.NewFile(3, "config"), os.NewFile(4, "sync")
	var b bootstrap
	err := json.NewDecoder(cfg).Decode(&b)
	cfg.Close()
	var p *prepared
	if err == nil {
		p, err = setup(&b)
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

// setup runs steps 3 and 4 of the package comment up to the fifo wait.
func setup(b *bootstrap) (*prepared, error) {
	s := b.Spec
	if s == nil || s.Root == nil || s.Process == nil || s.Linux == nil {
		return nil, fmt.Errorf("bootstrap without a complete spec")
	}
	stateFD, err := unix.Open(b.StateDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the state directory: %w", err)
	}
	if err := joinNamespaces(s.Linux.Namespaces); err != nil {
		return nil, err
	}
	if err := setupRootfs(s); err != nil {
		return nil, err
	}
	if err := setupHost(s); err != nil {
		return nil, err
	}
	return prepare(s, stateFD)
}

// setupRootfs: private tree, rootfs bind, mounts, /dev, masked and
// readonly paths, pivot_root, read-only root.
func setupRootfs(s *specs.Spec) error {
	steps := []func() error{
		func() error { return prepareRoot(s) },
		func() error { return mountAll(s) },
		func() error { return setupDev(s.Root.Path, devMounted(s)) },
		func() error { return maskPaths(s.Root.Path, s.Linux.MaskedPaths) },
		func() error { return readonlyPaths(s.Root.Path, s.Linux.ReadonlyPaths) },
		func() error { return pivotRoot(s.Root.Path) },
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
