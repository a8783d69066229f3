package runtime

import (
	"fmt"
	"time"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Operations on the container's cgroup as a whole: every process of the
// container is in it, however many the container started and whatever
// pid namespace it has.

// KillAll sends sig to every process of container id (kill --all): those
// its cgroup lists, then the init in case it has left it already.
func KillAll(root, id string, sig unix.Signal) error {
	r, err := loadRecord(root, id)
	if err != nil {
		return err
	}
	m, err := recordCgroup(r)
	if err != nil {
		return err
	}
	pids, err := m.Pids()
	if err != nil {
		return fmt.Errorf("container %q: %w", id, err)
	}
	for _, pid := range pids {
		if err := unix.Kill(pid, sig); err != nil && err != unix.ESRCH {
			return fmt.Errorf("container %q: kill %d: %w", id, pid, err)
		}
	}
	thaw(r) // a frozen container gets the signal once thawed: thaw it now, as runc does
	if err := r.signal(sig); err != nil && r.alive() {
		return err
	}
	return nil
}

// thaw thaws r's cgroup if it has one (before a kill: a frozen process
// does not act on signals).
func thaw(r *record) {
	if m, err := recordCgroup(r); err == nil {
		m.Thaw()
	}
}

// Pause freezes every process of container id (the cgroup freezer). A
// freeze that does not complete is undone, so a failed pause does not
// leave the container half-frozen, and tried again, up to pauseAttempts
// times: on v1 a task the freezer cannot stop holds the group in FREEZING,
// for example the init in execve right after start (execve waits for the
// init's other threads to exit, and frozen threads do not); once thawed
// the execve finishes and the next freeze succeeds.
func Pause(root, id string) error {
	return freezer(root, id, func(m cgroups.Manager) error {
		var err error
		gap := 20 * time.Millisecond // thawed time for the stuck task to move on
		for range pauseAttempts {
			if err = m.Freeze(); err == nil {
				return nil
			}
			m.Thaw()
			time.Sleep(gap)
			gap *= 2
		}
		return err
	})
}

// pauseAttempts bounds Pause's tries (each waits up to 1 s for the
// freezer).
const pauseAttempts = 5

// Resume thaws a paused container.
func Resume(root, id string) error { return freezer(root, id, cgroups.Manager.Thaw) }

func freezer(root, id string, op func(cgroups.Manager) error) error {
	r, err := loadRecord(root, id)
	if err != nil {
		return err
	}
	m, err := recordCgroup(r)
	if err != nil {
		return err
	}
	if err := op(m); err != nil {
		return fmt.Errorf("container %q: %w", id, err)
	}
	return nil
}

// stateFrozen is runc's status of a frozen container (the OCI state lists
// only creating, created, running and stopped; runc adds "paused").
const stateFrozen specs.ContainerState = "paused"

// frozen reports whether r's cgroup is frozen.
func (r *record) frozen() bool {
	m, err := recordCgroup(r)
	if err != nil {
		return false
	}
	f, err := m.Frozen()
	return err == nil && f
}

func recordCgroup(r *record) (cgroups.Manager, error) {
	if r.Cgroup == "" {
		return nil, fmt.Errorf("container %q has no cgroup", r.ID)
	}
	return cgroups.New(r.Cgroup)
}
