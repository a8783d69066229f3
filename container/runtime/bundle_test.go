package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// makeRootfs makes dir a busybox root file system.
func makeRootfs(t *testing.T, dir string) { testenv.BusyboxRootfs(t, dir) }

// testSpec is the Example config running args, with a writable root.
func testSpec(args ...string) *specs.Spec {
	s := Example()
	s.Process.Args = args
	s.Process.Env = []string{"PATH=/bin"}
	s.Root.Readonly = false
	s.Hostname = "deepsys-test"
	return s
}

// makeBundle writes a bundle (rootfs + config.json of s) in a temp dir.
func makeBundle(t *testing.T, s *specs.Spec) string {
	t.Helper()
	testenv.RequireRoot(t)
	dir := t.TempDir()
	makeRootfs(t, filepath.Join(dir, "rootfs"))
	if s.Linux != nil && s.Linux.CgroupsPath == "" { // the default deepsys/<id> would be shared by tests
		s.Linux.CgroupsPath = testenv.CgroupPath(t)
	}
	writeConfig(t, dir, s)
	return dir
}

func writeConfig(t *testing.T, dir string, s *specs.Spec) {
	t.Helper()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runBundle runs s in a fresh bundle and returns exit code and output
// (stdout and stderr together).
func runBundle(t *testing.T, s *specs.Spec) (int, string) {
	t.Helper()
	return runBundleIn(t, makeBundle(t, s))
}

// runBundleIn runs the bundle at dir, as runBundle.
func runBundleIn(t *testing.T, bundle string) (int, string) {
	t.Helper()
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	root := t.TempDir()
	code, err := Run(CreateOptions{Root: root, ID: "t", Bundle: bundle, Stdout: out, Stderr: out})
	if err != nil {
		b, _ := os.ReadFile(out.Name())
		t.Fatalf("run: %v; output %s", err, b)
	}
	assertEmptyRoot(t, root)
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	return code, string(b)
}

// assertEmptyRoot checks no state directory is left under root.
func assertEmptyRoot(t *testing.T, root string) {
	t.Helper()
	ents, err := os.ReadDir(root)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 0 {
		t.Errorf("state left behind under %s: %s", root, strings.Join(names, " "))
	}
}

// detached is a created and started container that the test's cleanup
// deletes.
type detached struct {
	root, id, bundle string
	pid              int
	c                *Container
}

// detachedN numbers startDetached's containers: their ids (and so their
// cgroups) differ from each other and from other test processes'.
var detachedN int

// startDetached creates and starts s in a fresh bundle.
func startDetached(t *testing.T, s *specs.Spec) *detached {
	t.Helper()
	detachedN++
	if s.Linux.CgroupsPath == "" { // a test may run several
		s.Linux.CgroupsPath = fmt.Sprintf("%s-%d", testenv.CgroupPath(t), detachedN)
	}
	d := &detached{root: t.TempDir(), id: fmt.Sprintf("bg-%d-%d", os.Getpid(), detachedN), bundle: makeBundle(t, s)}
	c, err := Create(CreateOptions{Root: d.root, ID: d.id, Bundle: d.bundle})
	if err != nil {
		t.Fatal(err)
	}
	d.c, d.pid = c, c.Pid
	t.Cleanup(func() {
		if err := Delete(d.root, d.id, true); err != nil {
			t.Error(err)
		}
		c.Wait()
	})
	if err := Start(d.root, d.id); err != nil {
		t.Fatal(err)
	}
	// Start returns when the init is released; wait until it has exec'd
	for deadline := time.Now().Add(10 * time.Second); cmdline(d.pid) == "deepsys-container-init init "; {
		if time.Now().After(deadline) {
			t.Fatal("the container's init has not exec'd its process 10 s after start")
		}
		time.Sleep(time.Millisecond)
	}
	return d
}
