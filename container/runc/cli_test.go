package runc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// bundle writes a busybox bundle whose process runs args.
func bundle(t *testing.T, args ...string) string {
	t.Helper()
	testenv.RequireRoot(t)
	dir := t.TempDir()
	testenv.BusyboxRootfs(t, filepath.Join(dir, "rootfs"))
	s := runtime.Example()
	s.Process.Args = args
	s.Process.Env = []string{"PATH=/bin"}
	s.Linux.CgroupsPath = testenv.CgroupPath(t)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, runtime.ConfigName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runc runs the standalone command line with args.
func runc(args ...string) (code int, stdout, stderr string) {
	var out, errs lockedBuffer
	code = Main("deepsys-runc", "test", args, &out, &errs)
	return code, out.String(), errs.String()
}

// lockedBuffer is a bytes.Buffer safe to read while a created
// container's output is still being copied into it (exec.Cmd copies a
// non-file writer from a goroutine that outlives create).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestGlobalRootBeforeAndAfterVerb(t *testing.T) {
	root := t.TempDir()
	b := bundle(t, "sleep", "100")
	if code, _, errs := runc("--root", root, "create", "--bundle", b, "c1"); code != 0 {
		t.Fatalf("create: exit %d: %s", code, errs)
	}
	var st specs.State
	code, out, errs := runc("state", "c1", "--root", root)
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Status != specs.StateCreated {
		t.Fatalf("state with --root after the verb: exit %d, %q, %s", code, out, errs)
	}
	if code, _, errs := runc("--root", root, "delete", "--force", "c1"); code != 0 {
		t.Fatalf("delete: %s", errs)
	}
}

func TestRunExitsWithTheContainersStatus(t *testing.T) {
	root := t.TempDir()
	code, out, errs := runc("--root", root, "run", "-b", bundle(t, "sh", "-c", "echo hi; exit 3"), "c2")
	if code != 3 || out != "hi\n" {
		t.Fatalf("run: exit %d, out %q, err %q", code, out, errs)
	}
}

func TestLogFormatJSON(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log.json")
	code, _, errs := runc("--root", t.TempDir(), "--log", log, "--log-format", "json", "state", "nosuch")
	if code != 1 || !strings.Contains(errs, "does not exist") {
		t.Fatalf("state of a missing container: exit %d, %q", code, errs)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var e logEntry
	if err := json.Unmarshal(b, &e); err != nil || e.Level != "error" || !strings.Contains(e.Msg, "does not exist") || e.Time == "" {
		t.Fatalf("log line %q: %v", b, err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--log-format", "xml", "list"},
		{"state"},
		{"kill", "c", "NOSUCHSIG"},
		{"--no-such-flag", "list"},
		{"no-such-verb"},
	} {
		if code, _, errs := runc(args...); code != 2 || errs == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
	if code, _, errs := runc("--systemd-cgroup", "list"); code != 1 || !strings.Contains(errs, "systemd") {
		t.Errorf("--systemd-cgroup: exit %d, %q", code, errs)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runc("--version")
	if code != 0 || !strings.HasPrefix(out, "deepsys-runc version test\n") || !strings.Contains(out, "spec: "+specs.Version) {
		t.Fatalf("--version: exit %d, %q", code, out)
	}
}
