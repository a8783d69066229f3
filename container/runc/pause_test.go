package runc

import "testing"

// TestPausedState: state says "paused" while the container's cgroup is
// frozen (runc's status), "running" again after resume; a paused
// container is not deleted without --force.
func TestPausedState(t *testing.T) {
	// Freezing the init while it is still the Go runtime in execve can
	// outlast the freezer's 1 s wait: pause once sh runs.
	c := startLive(t, nil, "sh", "-c", "touch /shared/ready; exec sleep 100")
	c.waitFile(t, "ready")
	if code, _, errs := c.run("pause", c.id); code != 0 {
		t.Fatalf("pause: exit %d: %s", code, errs)
	}
	if st := c.state(t); st.Status != "paused" || st.Pid == 0 {
		t.Errorf("state after pause: %+v, want paused with its pid", st)
	}
	if code, _, errs := c.run("delete", c.id); code != 1 {
		t.Errorf("delete of a paused container without --force: exit %d, %q; want refused", code, errs)
	}
	if code, _, errs := c.run("resume", c.id); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errs)
	}
	if st := c.state(t); st.Status != "running" {
		t.Errorf("state after resume: %+v, want running", st)
	}
}
