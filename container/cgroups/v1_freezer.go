package cgroups

import "fmt"

// Freeze writes FROZEN to freezer.state and waits for the kernel to finish
// the FREEZING transition (Documentation/admin-guide/cgroup-v1/
// freezer-subsystem.rst): reading freezer.state reports FREEZING until every
// task is stopped.
func (m *v1) Freeze() error { return m.setFreezer("FROZEN") }

// Thaw writes THAWED to freezer.state.
func (m *v1) Thaw() error { return m.setFreezer("THAWED") }

func (m *v1) setFreezer(state string) error {
	d := m.dir("freezer")
	if d == "" {
		return fmt.Errorf("cgroups: the freezer controller is not mounted")
	}
	if err := writeFile(d, "freezer.state", state); err != nil {
		return err
	}
	return waitFor("freezer.state "+state, func() (bool, error) {
		s, err := readFile(d, "freezer.state")
		if err != nil {
			return false, err
		}
		if s != state {
			// A task in an uninterruptible sleep can hold FREEZING;
			// writing again retries the freeze (as runc does).
			err = writeFile(d, "freezer.state", state)
		}
		return s == state, err
	})
}

// Frozen reports whether freezer.state reads FROZEN (a FREEZING group is
// not yet frozen; no freezer controller means never frozen).
func (m *v1) Frozen() (bool, error) {
	d := m.dir("freezer")
	if d == "" {
		return false, nil
	}
	s, err := readFile(d, "freezer.state")
	return s == "FROZEN", err
}
