package runtime

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// The container's cgroup (container/cgroups). Create makes it and sets
// linux.resources before the init starts; the init is born in its cgroup2
// group (clone3 CLONE_INTO_CGROUP) and its execing thread joins the v1
// hierarchies itself, right before it execs the process, by writing "0"
// to each `tasks` file it was handed open (cgroups.Prepare, JoinThread).
// So no process migration waits for the kernel's threadgroup lock (an RCU
// grace period, 5-18 ms here), the Go init's threads are not counted by
// pids.max and its heap is not charged to the container. Delete removes
// the group. The path is linux.cgroupsPath, or deepsys/<id> (runc uses
// the id likewise when the config names none).

// cgroupPath is the cgroup path of container id under spec.
func cgroupPath(id string, spec *specs.Spec) string {
	if p := strings.Trim(spec.Linux.CgroupsPath, "/"); p != "" {
		return p
	}
	return "deepsys/" + id
}

// prepareCgroup makes the container's cgroup and sets its limits; it
// refuses a group that holds processes (another container's, or a frozen
// one's); on error it removes what it made.
func prepareCgroup(path string, res *specs.LinuxResources) (*cgroups.Prepared, error) {
	m, err := cgroups.New(path)
	if err != nil {
		return nil, fmt.Errorf("cgroup %s: %w", path, err)
	}
	p, err := cgroups.Prepare(m, res)
	if err != nil {
		return nil, fmt.Errorf("cgroup %s: %w (is another container using it?)", path, err)
	}
	return p, nil
}

// passCgroup hands the init the cgroup's join files: the v1 tasks files
// as extra fds (their numbers are returned for the bootstrap), the
// cgroup2 directory as the clone3 cgroup.
func passCgroup(cmd *exec.Cmd, p *cgroups.Prepared) []int {
	var fds []int
	for _, f := range p.Tasks {
		fds = append(fds, 3+len(cmd.ExtraFiles))
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	}
	if p.Unified != nil {
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = int(p.Unified.Fd())
	}
	return fds
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
