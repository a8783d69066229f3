package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestResourcesPidsLimit: linux.resources reaches the container's cgroup
// before its process runs: with pids.limit 16 a shell cannot start 20
// background sleeps, and the cgroup is named in /proc/self/cgroup; delete
// removes it. (The limit counts the Go init's threads before it execs, so
// a limit of a few pids would stop the init itself: see docs/container.md.)
func TestResourcesPidsLimit(t *testing.T) {
	s := testSpec("sh", "-c", "cat /proc/self/cgroup; for i in $(seq 20); do sleep 1 & done 2>&1; kill $(jobs -p) 2>/dev/null; true")
	limit := int64(16)
	s.Linux.Resources = &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}
	s.Linux.CgroupsPath = "deepsys-test/pids-" + strconv.Itoa(os.Getpid())
	_, out := runBundle(t, s) // the shell gives up at the failed fork
	if !strings.Contains(out, "pids:/"+s.Linux.CgroupsPath+"\n") || !strings.Contains(out, "can't fork") {
		t.Fatalf("output %q; want the cgroup named and a failed fork", out)
	}
	if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/pids", s.Linux.CgroupsPath)); !os.IsNotExist(err) {
		t.Errorf("the cgroup is still there after delete: %v", err)
	}
}

// TestCgroupInUseRefused: a container whose cgroup already holds a process
// (another container's) is refused, not started inside it.
func TestCgroupInUseRefused(t *testing.T) {
	s := testSpec("sleep", "100")
	s.Linux.CgroupsPath = "deepsys-test/shared-" + strconv.Itoa(os.Getpid())
	root := t.TempDir()
	_, err := Create(CreateOptions{Root: root, ID: "first", Bundle: makeBundle(t, s)})
	if err != nil {
		t.Fatal(err)
	}
	defer Delete(root, "first", true)
	_, err = Create(CreateOptions{Root: root, ID: "second", Bundle: makeBundle(t, s)})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second container in the same cgroup: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "second")); !os.IsNotExist(err) {
		t.Errorf("the refused container left its state directory: %v", err)
	}
}
