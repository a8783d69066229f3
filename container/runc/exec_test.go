package runc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestExec: runc exec's forms against a running container: args with
// --env, --cwd and --user, the exit status, --process, --detach with
// --pid-file, and a stopped container.
func TestExec(t *testing.T) {
	root := t.TempDir()
	id := "exec-" + strconv.Itoa(os.Getpid())
	if code, _, errs := runc("--root", root, "run", "-b", bundle(t, "true"), id+"-done"); code != 0 {
		t.Fatalf("run: %s", errs)
	}
	b := bundle(t, "sleep", "100")
	if code, _, errs := runc("--root", root, "create", "-b", b, id); code != 0 {
		t.Fatalf("create: %s", errs)
	}
	t.Cleanup(func() {
		if code, _, errs := runc("--root", root, "delete", "--force", id); code != 0 {
			t.Error(errs)
		}
	})
	if code, _, errs := runc("--root", root, "start", id); code != 0 {
		t.Fatalf("start: %s", errs)
	}
	check := func(wantCode int, wantOut string, args ...string) {
		t.Helper()
		code, out, errs := runc(append([]string{"--root", root, "exec"}, args...)...)
		if code != wantCode || out != wantOut {
			t.Errorf("exec %q: exit %d, out %q, err %q; want %d, %q", args, code, out, errs, wantCode, wantOut)
		}
	}
	check(0, "deepsys\n", id, "hostname")
	check(0, "x=1\n/tmp\n1000:1001\n", "-e", "X=1", "--cwd", "/tmp", "-u", "1000:1001", id,
		"sh", "-c", `echo x=$X; pwd; echo $(id -u):$(id -g)`)
	check(5, "", id, "sh", "-c", "exit 5")
	proc := filepath.Join(t.TempDir(), "process.json")
	os.WriteFile(proc, []byte(`{"args":["echo","from","json"],"cwd":"/","env":["PATH=/bin"]}`), 0o644)
	check(0, "from json\n", "--process", proc, id)
	pidFile := filepath.Join(t.TempDir(), "pid")
	check(0, "", "-d", "--pid-file", pidFile, id, "sleep", "100")
	pid, _ := os.ReadFile(pidFile)
	if cmd, _ := os.ReadFile("/proc/" + string(pid) + "/cmdline"); string(cmd) != "sleep\x00100\x00" {
		t.Errorf("detached process %s runs %q", pid, cmd)
	}
	// this test process is its parent (the CLI would have exited): reap it,
	// or the container's pid 1 would wait for it when killed
	if n, err := strconv.Atoi(string(pid)); err == nil {
		unix.Kill(n, unix.SIGKILL)
		unix.Wait4(n, nil, 0, nil)
	}
	code, _, errs := runc("--root", root, "exec", id+"-done", "true")
	if code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("exec into a deleted container: exit %d, %q", code, errs)
	}
	code, _, errs = runc("--root", root, "exec", "-u", "x", id, "true")
	if code != 2 || !strings.Contains(errs, `--user "x"`) {
		t.Errorf("bad --user: exit %d, %q", code, errs)
	}
}
