package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// TestPauseResumeKillAll: pause freezes the container's cgroup and resume
// thaws it; kill --all reaches a process the init started even without a
// pid namespace (where the init's death would not end it).
func TestPauseResumeKillAll(t *testing.T) {
	s := testSpec("sh", "-c", "sleep 100 & exec sleep 101")
	var ns []specs.LinuxNamespace
	for _, n := range s.Linux.Namespaces {
		if n.Type != specs.PIDNamespace {
			ns = append(ns, n)
		}
	}
	s.Linux.Namespaces = ns
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "freeze", Bundle: makeBundle(t, s)})
	if err != nil {
		t.Fatal(err)
	}
	defer Delete(root, "freeze", true)
	if err := Start(root, "freeze"); err != nil {
		t.Fatal(err)
	}
	// Pause once the init has become sh and forked (a Go init still in
	// execve cannot be frozen; see Pause).
	procs := filepath.Join("/sys/fs/cgroup/pids", cgroupPath("freeze", s), "cgroup.procs")
	waitFor(t, func() bool { b, _ := os.ReadFile(procs); return len(strings.Fields(string(b))) == 2 })
	state := filepath.Join("/sys/fs/cgroup/freezer", cgroupPath("freeze", s), "freezer.state")
	if err := Pause(root, "freeze"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(state); strings.TrimSpace(string(b)) != "FROZEN" {
		t.Errorf("after pause: freezer.state %q", b)
	}
	if st, err := State(root, "freeze"); err != nil || st.Status != "paused" {
		t.Errorf("state after pause: %+v, %v; want paused", st, err)
	}
	if err := Resume(root, "freeze"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(state); strings.TrimSpace(string(b)) != "THAWED" {
		t.Errorf("after resume: freezer.state %q", b)
	}
	if st, err := State(root, "freeze"); err != nil || st.Status != specs.StateRunning {
		t.Errorf("state after resume: %+v, %v; want running", st, err)
	}
	if err := KillAll(root, "freeze", unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	waitFor(t, func() bool { b, _ := os.ReadFile(procs); return len(strings.Fields(string(b))) == 0 })
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
	}
}

// TestPauseRightAfterStart: pause straight after start succeeds. (Before
// Start waited for the exec, the init was often still in execve here,
// which the v1 freezer cannot stop: Pause thaws and retries.)
func TestPauseRightAfterStart(t *testing.T) {
	s := testSpec("sleep", "100")
	s.Linux.CgroupsPath = fmt.Sprintf("deepsys-test/pause-now-%d", os.Getpid())
	b := makeBundle(t, s)
	root := t.TempDir()
	for i := range 3 {
		id := fmt.Sprint("now", i)
		if _, err := Create(CreateOptions{Root: root, ID: id, Bundle: b}); err != nil {
			t.Fatal(err)
		}
		err := Start(root, id)
		if err == nil {
			err = Pause(root, id)
		}
		if err == nil {
			if st, serr := State(root, id); serr != nil || st.Status != "paused" {
				err = fmt.Errorf("state %+v, %v after pause", st, serr)
			}
		}
		if derr := Delete(root, id, true); err == nil {
			err = derr
		}
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}
