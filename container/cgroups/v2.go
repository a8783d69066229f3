package cgroups

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// v2 is the driver for the unified hierarchy
// (Documentation/admin-guide/cgroup-v2.rst): one directory, root/rel.
type v2 struct {
	root string // mount point of cgroup2
	rel  string // cgroup path, relative
}

func (m *v2) dir() string { return filepath.Join(m.root, m.rel) }

// Apply creates the group and writes pid to its cgroup.procs. Processes may
// only live in leaves ("no internal process constraint", cgroup-v2.rst
// 2-4-2), which a runtime-made group is.
func (m *v2) Apply(pid int) error {
	if err := m.create(); err != nil {
		return err
	}
	return writeFile(m.dir(), "cgroup.procs", strconv.Itoa(pid))
}

func (m *v2) create() error {
	err := unix.Mkdir(m.dir(), 0o755)
	if err == nil || errors.Is(err, unix.EEXIST) {
		return nil
	}
	if errors.Is(err, unix.ENOENT) {
		return mkdirLevels(m.root, m.rel, false)
	}
	return fmt.Errorf("cgroups: mkdir %s: %w", m.dir(), err)
}

// enable turns controllers on for the group: each ancestor from the root
// down writes "+a +b" to its cgroup.subtree_control (cgroup-v2.rst 2-4,
// "Enabling and Disabling"); a controller must be in that ancestor's
// cgroup.controllers to be enabled.
func (m *v2) enable(controllers ...string) error {
	if len(controllers) == 0 {
		return nil
	}
	dir := m.root
	for _, part := range strings.Split(m.rel, "/") {
		avail, err := readFile(dir, "cgroup.controllers")
		if err != nil {
			return err
		}
		var plus []string
		for _, c := range controllers {
			if !hasWord(avail, c) {
				return fmt.Errorf("cgroups: controller %q is not available in %s (cgroup.controllers: %q)", c, dir, avail)
			}
			plus = append(plus, "+"+c)
		}
		if err := writeFile(dir, "cgroup.subtree_control", strings.Join(plus, " ")); err != nil {
			return err
		}
		dir = filepath.Join(dir, part)
	}
	return nil
}

func hasWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// Pids reads cgroup.procs.
func (m *v2) Pids() ([]int, error) { return readPids(m.dir()) }

// Destroy removes the group's directory.
func (m *v2) Destroy() error { return rmdirRetry(m.dir()) }

// Freeze writes 1 to cgroup.freeze and waits until cgroup.events says
// "frozen 1" (cgroup-v2.rst, "Core Interface Files").
func (m *v2) Freeze() error { return m.setFrozen("1") }

// Thaw writes 0 to cgroup.freeze and waits for "frozen 0".
func (m *v2) Thaw() error { return m.setFrozen("0") }

// Frozen reports whether cgroup.freeze is 1 (what was asked: cgroup.events
// may still say "frozen 0" while tasks stop).
func (m *v2) Frozen() (bool, error) {
	s, err := readFile(m.dir(), "cgroup.freeze")
	return s == "1", err
}

func (m *v2) setFrozen(v string) error {
	if err := writeFile(m.dir(), "cgroup.freeze", v); err != nil {
		return err
	}
	return waitFor("cgroup.events frozen "+v, func() (bool, error) {
		ev, err := readFile(m.dir(), "cgroup.events")
		if err != nil {
			return false, err
		}
		return strings.Contains("\n"+ev+"\n", "\nfrozen "+v+"\n"), nil
	})
}
