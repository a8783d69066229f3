package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestPidsLimitOne: a pids.limit of 1 lets the container's single
// process run: the Go init's threads never enter the group (its execing
// thread joins alone, right before execve), so none of them can be
// refused a thread under the limit while the init sets up.
func TestPidsLimitOne(t *testing.T) {
	s := testSpec("echo", "ran under pids.max 1")
	one := int64(1)
	s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &one}}
	s.Linux.CgroupsPath = "deepsys-test/pids1-" + strconv.Itoa(os.Getpid())
	code, out := runBundle(t, s)
	if code != 0 || !strings.Contains(out, "ran under pids.max 1") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// TestCgroupJoinedAtStart: after create the init's main thread, alone, is
// in each of the container's v1 groups (a created container's process is
// in its cgroup, as runtime-tools checks; the Go init's other threads are
// not counted), and on a hybrid host the init is in its cgroup2 group; after
// start the container's process is in each of them.
func TestCgroupJoinedAtStart(t *testing.T) {
	s := testSpec("sleep", "100")
	s.Linux.CgroupsPath = "deepsys-test/late-" + strconv.Itoa(os.Getpid())
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "late", Bundle: makeBundle(t, s)})
	if err != nil {
		t.Fatal(err)
	}
	defer Delete(root, "late", true)
	read := func(h, file string) string {
		b, _ := os.ReadFile(filepath.Join("/sys/fs/cgroup", h, s.Linux.CgroupsPath, file))
		return strings.TrimSpace(string(b))
	}
	pid := strconv.Itoa(c.Pid)
	for _, h := range []string{"memory", "pids", "cpu"} {
		if procs, tasks := read(h, "cgroup.procs"), read(h, "tasks"); procs != pid || tasks != pid {
			t.Errorf("after create, %s cgroup.procs = %q, tasks = %q; want the init's main thread %s alone", h, procs, tasks, pid)
		}
	}
	if _, err := os.Stat("/sys/fs/cgroup/unified/cgroup.procs"); err == nil { // hybrid: born in the cgroup2 group
		if got := read("unified", "cgroup.procs"); got != pid {
			t.Errorf("after create, the cgroup2 group holds %q, want the init %d (clone3 CLONE_INTO_CGROUP)", got, c.Pid)
		}
	}
	if err := Start(root, "late"); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"memory", "pids", "cpu"} {
		waitFor(t, func() bool { return read(h, "cgroup.procs") == pid })
	}
}

// TestInitEnvNotInHooks: the init's own environment (the marker and its
// Go runtime settings) does not reach a hook the init runs without env.
func TestInitEnvNotInHooks(t *testing.T) {
	out := filepath.Join(t.TempDir(), "env")
	s := testSpec("true")
	s.Hooks = &specs.Hooks{CreateContainer: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "env > " + out}}}}
	if code, o := runBundle(t, s); code != 0 {
		t.Fatalf("exit %d: %s", code, o)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{envInit, "GOGC", "GOMAXPROCS"} {
		if strings.Contains(string(b), v+"=") {
			t.Errorf("the hook's environment has %s:\n%s", v, b)
		}
	}
}
