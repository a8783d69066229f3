package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// busyboxBundle writes `container spec`'s config.json, edited to run
// args, and a busybox rootfs into a temp bundle.
func busyboxBundle(t *testing.T, args ...string) string {
	t.Helper()
	testenv.RequireRoot(t)
	bundle := t.TempDir()
	if code, _, errs := runWith(catalog, "container", "spec", "-b", bundle); code != 0 {
		t.Fatalf("spec: %s", errs)
	}
	var s specs.Spec
	b, _ := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	s.Process.Args = args
	s.Linux.CgroupsPath = testenv.CgroupPath(t)
	b, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o644)
	testenv.BusyboxRootfs(t, filepath.Join(bundle, "rootfs"))
	return bundle
}

func TestContainerRunEchoAndExitStatus(t *testing.T) {
	root := t.TempDir()
	bundle := busyboxBundle(t, "echo", "hi")
	code, out, errs := runWith(catalog, "container", "run", "--root", root, "-b", bundle, "c1")
	if code != 0 || out != "hi\n" {
		t.Fatalf("run: exit %d, out %q, err %q", code, out, errs)
	}
	bundle = busyboxBundle(t, "sh", "-c", "exit 7")
	if code := run([]string{"container", "run", "--root", root, "-b", bundle, "c2"}, os.Stdout, os.Stderr); code != 7 {
		t.Fatalf("run exit 7: deepsys exited %d", code)
	}
}

func TestContainerCreateStateStartDelete(t *testing.T) {
	root := t.TempDir()
	bundle := busyboxBundle(t, "sleep", "100")
	c := func(args ...string) (int, string, string) {
		return runWith(catalog, append([]string{"container"}, args...)...)
	}
	if code, _, errs := c("create", "--root", root, "-b", bundle, "c3"); code != 0 {
		t.Fatalf("create: %s", errs)
	}
	var st specs.State
	_, out, _ := c("state", "--root", root, "c3")
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Status != specs.StateCreated || st.Pid == 0 {
		t.Fatalf("state %q: %v", out, err)
	}
	if _, out, _ := c("list", "--root", root, "-q"); out != "c3\n" {
		t.Errorf("list -q: %q", out)
	}
	if code, _, errs := c("start", "--root", root, "c3"); code != 0 {
		t.Fatalf("start: %s", errs)
	}
	if _, out, _ := c("state", "--root", root, "c3"); !strings.Contains(out, `"status": "running"`) {
		t.Errorf("state after start: %s", out)
	}
	if code, _, errs := c("kill", "--root", root, "c3", "NOSUCHSIG"); code != 2 || !strings.Contains(errs, "unknown signal") {
		t.Errorf("kill with a bad signal: exit %d, %q", code, errs)
	}
	if code, _, errs := c("delete", "--root", root, "--force", "c3"); code != 0 {
		t.Fatalf("delete: %s", errs)
	}
	if code, _, errs := c("state", "--root", root, "c3"); code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("state after delete: exit %d, %q", code, errs)
	}
}

// TestContainerShowcase: the tour's containers show a pid namespace, the
// OOM killer under a memory limit and a seccomp refusal.
func TestContainerShowcase(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "busybox")
	code, out, errs := runCLI(t, "container", "showcase")
	for _, want := range []string{"its pid 1, hostname deepsys-tour", "OOM-killed: exit 137", "Operation not permitted", "median"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("exit %d (%s), no %q in:\n%s", code, errs, want, out)
		}
	}
}
