package runc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// liveContainer is a started container for the verbs that act on a
// running one (ps, update, events, pause); shared is a host directory
// bound at /shared in it, writable by both sides.
type liveContainer struct {
	root, id, bundle, shared string
	cgroup                   string // its cgroup path
}

// startLive creates and starts a busybox container running args, with
// edit applied to its config; it is deleted when the test ends.
func startLive(t *testing.T, edit func(*specs.Spec), args ...string) *liveContainer {
	t.Helper()
	c := newLive(t, edit, args...)
	if code, _, errs := runc("--root", c.root, "create", "-b", c.bundle, c.id); code != 0 {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	if code, _, errs := runc("--root", c.root, "start", c.id); code != 0 {
		t.Fatalf("start: exit %d: %s", code, errs)
	}
	return c
}

// newLive writes the bundle of a liveContainer; a container made from it
// is deleted when the test ends.
func newLive(t *testing.T, edit func(*specs.Spec), args ...string) *liveContainer {
	t.Helper()
	testenv.RequireRoot(t)
	c := &liveContainer{root: t.TempDir(), id: "live", bundle: t.TempDir(), shared: t.TempDir()}
	rootfs := filepath.Join(c.bundle, "rootfs")
	testenv.BusyboxRootfs(t, rootfs)
	if err := os.Mkdir(filepath.Join(rootfs, "shared"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := runtime.Example()
	s.Process.Args = args
	s.Process.Env = []string{"PATH=/bin"}
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/shared", Type: "bind", Source: c.shared, Options: []string{"rbind", "rw"}})
	c.cgroup = testenv.CgroupPath(t)
	s.Linux.CgroupsPath = c.cgroup
	if edit != nil {
		edit(s)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.bundle, runtime.ConfigName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { runc("--root", c.root, "delete", "--force", c.id) })
	return c
}

// run runs a verb on this container's --root.
func (c *liveContainer) run(args ...string) (int, string, string) {
	return runc(append([]string{"--root", c.root}, args...)...)
}

// state returns the container's OCI state through the state verb.
func (c *liveContainer) state(t *testing.T) specs.State {
	t.Helper()
	code, out, errs := c.run("state", c.id)
	var st specs.State
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("state: exit %d, %q, %s", code, out, errs)
	}
	return st
}

// cgroupFile reads a v1 controller file of the container's cgroup.
func (c *liveContainer) cgroupFile(t *testing.T, controller, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", controller, c.cgroup, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitFile waits up to 20 s for the container to write name in /shared
// and returns its contents.
func (c *liveContainer) waitFile(t *testing.T, name string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(c.shared, name)); err == nil {
			return string(b)
		}
	}
	t.Fatalf("the container did not write /shared/%s within 20 s", name)
	return ""
}

// touch makes /shared/name in the container.
func touch(t *testing.T, c *liveContainer, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(c.shared, name), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}
