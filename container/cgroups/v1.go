package cgroups

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// v1 is the driver for per-controller hierarchies
// (Documentation/admin-guide/cgroup-v1/cgroups.rst): the group is the same
// relative path rel under every controller's mount point.
type v1 struct {
	mounts map[string]string // controller -> mount point; hybridKey -> cgroup2 mount
	rel    string            // cgroup path, relative
}

// hybridKey names the cgroup2 mount of a hybrid host among the v1 mounts.
// The group is made there too and the process joins it, as runc does, so
// /proc/pid/cgroup's "0::" line names the container's group and
// cgroup2-only features (BPF device programs, PSI files) have a group to
// attach to. No resources are written there.
const hybridKey = "unified"

func newV1(mounts map[string]string, unified, rel string) *v1 {
	m := &v1{mounts: map[string]string{}, rel: rel}
	for c, mp := range mounts {
		m.mounts[c] = mp
	}
	if unified != "" {
		m.mounts[hybridKey] = unified
	}
	return m
}

// dir is the group's directory in controller c's hierarchy, "" if c is not
// mounted.
func (m *v1) dir(c string) string {
	mp, ok := m.mounts[c]
	if !ok {
		return ""
	}
	return filepath.Join(mp, m.rel)
}

// dirs lists the group's directory in each mounted hierarchy once, sorted.
func (m *v1) dirs() []string {
	seen := map[string]bool{}
	var ds []string
	for c := range m.mounts {
		if d := m.dir(c); !seen[d] {
			seen[d] = true
			ds = append(ds, d)
		}
	}
	sort.Strings(ds)
	return ds
}

// Apply creates the group in every hierarchy and writes pid to each
// cgroup.procs.
func (m *v1) Apply(pid int) error {
	if err := m.create(); err != nil {
		return err
	}
	for _, d := range m.dirs() {
		if err := writeFile(d, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// create makes the directories; in the cpuset hierarchy each new level
// inherits cpuset.cpus and cpuset.mems from its parent first.
func (m *v1) create() error {
	for c := range m.mounts {
		if err := mkdirLevels(m.mounts[c], m.rel, c == "cpuset"); err != nil {
			return err
		}
	}
	return nil
}

// mkdirLevels creates root/rel one level at a time (so cpuset can fill each
// level before the next is made under it).
func mkdirLevels(root, rel string, cpuset bool) error {
	dir := root
	for _, part := range strings.Split(rel, "/") {
		parent := dir
		dir = filepath.Join(dir, part)
		err := unix.Mkdir(dir, 0o755)
		if err != nil && err != unix.EEXIST {
			return fmt.Errorf("cgroups: mkdir %s: %w", dir, err)
		}
		if cpuset {
			if err := inheritCpuset(parent, dir); err != nil {
				return err
			}
		}
	}
	return nil
}

// inheritCpuset copies cpuset.cpus and cpuset.mems from parent to an empty
// child; a cpuset with no CPUs or nodes refuses tasks with ENOSPC
// (Documentation/admin-guide/cgroup-v1/cpusets.rst, 1.9).
func inheritCpuset(parent, dir string) error {
	for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
		cur, err := readFile(dir, f)
		if err != nil || cur != "" {
			return err
		}
		v, err := readFile(parent, f)
		if err != nil {
			return err
		}
		if err := writeFile(dir, f, v); err != nil {
			return err
		}
	}
	return nil
}

// Pids reads the group's cgroup.procs in the first hierarchy that has the
// group (they all hold the same processes once Apply has run).
func (m *v1) Pids() ([]int, error) {
	ds := m.dirs()
	if len(ds) == 0 {
		return nil, fmt.Errorf("cgroups: no v1 hierarchy is mounted")
	}
	if d := m.dir("pids"); d != "" {
		return readPids(d)
	}
	return readPids(ds[0])
}

// Destroy removes the group's directory from every hierarchy.
func (m *v1) Destroy() error {
	return rmdirRetry(m.dirs()...)
}
