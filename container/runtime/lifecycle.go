package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Start releases a created container's init (step 5 of the package
// comment): it opens exec.fifo for reading, reads the init's byte and
// removes the fifo, so the container is then "running".
func Start(root, id string) error {
	r, err := loadRecord(root, id)
	if err != nil {
		return err
	}
	if st := r.status(root); st != specs.StateCreated {
		return fmt.Errorf("container %q is %s, not created", id, st)
	}
	fifo := filepath.Join(stateDir(root, id), fifoName)
	fd, err := unix.Open(fifo, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening %s: %w", fifo, err)
	}
	defer unix.Close(fd)
	if err := readRelease(r, fd); err != nil {
		return err
	}
	if err := waitExec(r, fd); err != nil {
		return err
	}
	if err := os.Remove(fifo); err != nil {
		return err
	}
	warnHooks("poststart", r.hooks().Poststart, r.state(root))
	return nil
}

// warnHooks runs hooks whose failure must not stop the lifecycle
// (poststart, poststop): it reports the failure on stderr.
func warnHooks(kind string, hooks []specs.Hook, st *specs.State) {
	if err := runHooks(kind, hooks, st); err != nil {
		fmt.Fprintln(os.Stderr, "warning:", err)
	}
}

func (r *record) hooks() *specs.Hooks {
	if r.Hooks == nil {
		return &specs.Hooks{}
	}
	return r.Hooks
}

// readRelease waits for the init's byte, checking every 100 ms that the
// init is still alive (a dead init would never write).
func readRelease(r *record, fd int) error {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(pfd, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("poll %s: %w", fifoName, err)
		}
		if n > 0 {
			var b [1]byte
			if k, err := unix.Read(fd, b[:]); k == 1 {
				return nil
			} else if err != nil && !errors.Is(err, unix.EAGAIN) {
				return fmt.Errorf("reading %s: %w", fifoName, err)
			}
		}
		if !r.alive() {
			return fmt.Errorf("container %q: its init exited before start", r.ID)
		}
	}
}

// waitExec waits, after the init's byte, for the end of the fifo: the
// init keeps its end open (O_CLOEXEC) until execve(2) closes it, so Start
// returns once the container's process runs (after the startContainer
// hooks), as runtime.md "Lifecycle" step 7-9 orders start and poststart,
// and a signal sent after start reaches the process, not the Go init.
func waitExec(r *record, fd int) error {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(pfd, 100)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("poll %s: %w", fifoName, err)
		}
		if n > 0 {
			var b [16]byte
			if k, err := unix.Read(fd, b[:]); k == 0 && err == nil {
				return nil
			} else if err != nil && !errors.Is(err, unix.EAGAIN) {
				return fmt.Errorf("reading %s: %w", fifoName, err)
			}
		}
		if !r.alive() {
			return nil // the init died before execve; state says stopped
		}
	}
}

// Kill sends sig to the container's init. With a pid namespace, killing
// its pid 1 with SIGKILL ends every process in it (pid_namespaces(7)).
func Kill(root, id string, sig unix.Signal) error {
	r, err := loadRecord(root, id)
	if err != nil {
		return err
	}
	return r.signal(sig)
}

// Delete removes a container's state. A running container needs force
// (it is then killed); a created one is killed as runc does.
func Delete(root, id string, force bool) error {
	r, err := loadRecord(root, id)
	if err != nil {
		return err
	}
	switch st := r.status(root); {
	case (st == specs.StateRunning || st == stateFrozen) && !force:
		return fmt.Errorf("container %q is %s: kill it first or use --force", id, st)
	case st != specs.StateStopped:
		thaw(r) // a frozen process cannot act on SIGKILL
		if err := killAndWait(r); err != nil {
			return err
		}
	}
	warnHooks("poststop", r.hooks().Poststop, r.state(root))
	if err := detachRootfs(r.SharedRoot.Path, r.SharedRoot.ID); err != nil {
		return fmt.Errorf("container %q: %w", id, err)
	}
	if err := destroyCgroup(r.Cgroup); err != nil {
		return fmt.Errorf("container %q: removing its cgroup: %w", id, err)
	}
	return os.RemoveAll(stateDir(root, id))
}

// killAndWait sends SIGKILL and waits up to 10 s for the process to go.
func killAndWait(r *record) error {
	if err := r.signal(unix.SIGKILL); err != nil && r.alive() {
		return err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if !r.alive() {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("container %q: pid %d still alive 10 s after SIGKILL", r.ID, r.Pid)
}

// Run is create, start, wait and delete; it returns the process's exit
// code.
func Run(o CreateOptions) (int, error) {
	if o.Root == "" {
		o.Root = DefaultRoot
	}
	c, err := Create(o)
	if err != nil {
		return 0, err
	}
	if err := Start(o.Root, o.ID); err != nil {
		Delete(o.Root, o.ID, true)
		c.Wait()
		return 0, err
	}
	code, werr := waitForwarding(c, o.Signals)
	if err := Delete(o.Root, o.ID, true); err != nil {
		return code, err
	}
	return code, werr
}
