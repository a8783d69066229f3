package runtime

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// The container's cgroup (container/cgroups). Create puts the init into it
// right after the init starts and before the init reads its config, so the
// limits of linux.resources hold before any of the container's setup runs;
// Delete removes it. The path is linux.cgroupsPath, or deepsys/<id> (runc
// uses the id likewise when the config names none).

// cgroupPath is the cgroup path of container id under spec.
func cgroupPath(id string, spec *specs.Spec) string {
	if p := strings.Trim(spec.Linux.CgroupsPath, "/"); p != "" {
		return p
	}
	return "deepsys/" + id
}

// applyCgroup makes the container's cgroup, sets its limits and moves pid
// into it; on error it removes what it made.
func applyCgroup(path string, pid int, res *specs.LinuxResources) error {
	m, err := cgroups.New(path)
	if err != nil {
		return fmt.Errorf("cgroup %s: %w", path, err)
	}
	if pids, err := m.Pids(); err == nil && len(pids) > 0 {
		// another container's (or a frozen one's, where the init would hang)
		return fmt.Errorf("cgroup %s is not empty (pids %v): is another container using it?", path, pids)
	}
	if res != nil {
		err = m.Set(res)
	}
	if err == nil {
		err = m.Apply(pid)
	}
	if err != nil {
		m.Destroy()
		return fmt.Errorf("cgroup %s: %w", path, err)
	}
	return nil
}

// destroyCgroup removes the container's cgroup (its processes are gone).
func destroyCgroup(path string) error {
	if path == "" {
		return nil
	}
	m, err := cgroups.New(path)
	if err != nil {
		return err
	}
	return m.Destroy()
}
