package runtime

import (
	"fmt"

	"github.com/deepsys/deepsys/container/cgroups"
)

// Reading a live container through its cgroup: the pids it holds (runc
// ps), its usage and its OOMs (runc events).

// Processes returns the pids of every process of container id, as its
// cgroup lists them (host pids).
func Processes(root, id string) ([]int, error) {
	m, r, err := liveCgroup(root, id)
	if err != nil {
		return nil, err
	}
	pids, err := m.Pids()
	if err != nil {
		return nil, fmt.Errorf("container %q: %w", r.ID, err)
	}
	return pids, nil
}

// Stats reads container id's cgroup accounting.
func Stats(root, id string) (*cgroups.Stats, error) {
	m, r, err := liveCgroup(root, id)
	if err != nil {
		return nil, err
	}
	s, err := m.Stats()
	if err != nil {
		return nil, fmt.Errorf("container %q: %w", r.ID, err)
	}
	return s, nil
}

// OOMEvents sends once for every OOM in container id's cgroup until done
// is closed or the cgroup is removed (cgroups.Manager.OOMEvents).
func OOMEvents(root, id string, done <-chan struct{}) (<-chan struct{}, error) {
	m, r, err := liveCgroup(root, id)
	if err != nil {
		return nil, err
	}
	ch, err := m.OOMEvents(done)
	if err != nil {
		return nil, fmt.Errorf("container %q: %w", r.ID, err)
	}
	return ch, nil
}

// liveCgroup loads container id and its cgroup, refusing a stopped one.
func liveCgroup(root, id string) (cgroups.Manager, *record, error) {
	r, err := loadRecord(root, id)
	if err != nil {
		return nil, nil, err
	}
	if !r.alive() {
		return nil, nil, fmt.Errorf("container %q is not running", id)
	}
	m, err := recordCgroup(r)
	return m, r, err
}
