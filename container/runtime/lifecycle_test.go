package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func cmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return strings.ReplaceAll(string(b), "\x00", " ")
}

func wantStatus(t *testing.T, root, id string, want specs.ContainerState) *specs.State {
	t.Helper()
	st, err := State(root, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != want || st.ID != id {
		t.Fatalf("state %+v, want status %s", st, want)
	}
	return st
}

// TestCreateStartKillDelete walks the lifecycle: create leaves the init
// waiting (still our init, not the process), start releases it, kill
// stops it, delete removes the state and no process is left.
func TestCreateStartKillDelete(t *testing.T) {
	bundle := makeBundle(t, testSpec("sleep", "100"))
	root := t.TempDir()
	pidFile := filepath.Join(t.TempDir(), "pid")
	c, err := Create(CreateOptions{Root: root, ID: "life", Bundle: bundle, PidFile: pidFile})
	if err != nil {
		t.Fatal(err)
	}
	st := wantStatus(t, root, "life", specs.StateCreated)
	if b, _ := os.ReadFile(pidFile); string(b) != strconv.Itoa(c.Pid) || st.Pid != c.Pid {
		t.Errorf("pid file %q, state pid %d, want %d", b, st.Pid, c.Pid)
	}
	if got := cmdline(c.Pid); got != "deepsys-container-init init " {
		t.Errorf("created container runs %q, want the waiting init", got)
	}
	if err := Start(root, "life"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, root, "life", specs.StateRunning)
	if err := Start(root, "life"); err == nil {
		t.Error("second start succeeded")
	}
	if err := Delete(root, "life", false); err == nil {
		t.Error("delete of a running container without force succeeded")
	}
	if err := Kill(root, "life", unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code, err := c.Wait(); err != nil || code != 128+9 {
		t.Errorf("wait: %d, %v; want 137", code, err)
	}
	wantStatus(t, root, "life", specs.StateStopped)
	if err := Delete(root, "life", false); err != nil {
		t.Fatal(err)
	}
	assertEmptyRoot(t, root)
	if _, err := State(root, "life"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("state after delete: %v", err)
	}
}

// TestDeleteCreated: deleting a created container kills its init.
func TestDeleteCreated(t *testing.T) {
	bundle := makeBundle(t, testSpec("true"))
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "c1", Bundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	if err := Delete(root, "c1", false); err != nil {
		t.Fatal(err)
	}
	<-done
	assertEmptyRoot(t, root)
	if err := unix.Kill(c.Pid, 0); err == nil {
		t.Errorf("pid %d still exists", c.Pid)
	}
}

func TestListAndDuplicateID(t *testing.T) {
	bundle := makeBundle(t, testSpec("true"))
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "one", Bundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Wait()
	defer Delete(root, "one", true)
	if _, err := Create(CreateOptions{Root: root, ID: "one", Bundle: bundle}); err == nil ||
		!strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate id: %v", err)
	}
	l, err := List(root)
	if err != nil || len(l) != 1 || l[0].ID != "one" || l[0].Status != specs.StateCreated {
		t.Fatalf("list: %v %v", l, err)
	}
}

// TestStartAfterInitDied: start of a container whose init was killed
// fails clearly instead of waiting on the fifo.
func TestStartAfterInitDied(t *testing.T) {
	bundle := makeBundle(t, testSpec("true"))
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "dead", Bundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	unix.Kill(c.Pid, unix.SIGKILL)
	c.Wait()
	if err := Start(root, "dead"); err == nil || !strings.Contains(err.Error(), "is stopped, not created") {
		t.Errorf("start: %v", err)
	}
	if err := Delete(root, "dead", false); err != nil {
		t.Fatal(err)
	}
	assertEmptyRoot(t, root)
}

// TestStartReturnsAfterExec: when Start returns, the init has become the
// container's process (exec.fifo closed by execve), so its executable is
// the process's and a signal sent now reaches it rather than the Go init.
// (/proc/<pid>/exe, not cmdline: execve sets the new executable before it
// closes the close-on-exec fds, fs/exec.c begin_new_exec, but writes the
// arguments only afterwards.)
func TestStartReturnsAfterExec(t *testing.T) {
	bundle := makeBundle(t, testSpec("sleep", "100"))
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "exec", Bundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	defer Delete(root, "exec", true)
	if err := Start(root, "exec"); err != nil {
		t.Fatal(err)
	}
	if exe, err := os.Readlink("/proc/" + strconv.Itoa(c.Pid) + "/exe"); err != nil || !strings.HasSuffix(exe, "/bin/busybox") {
		t.Errorf("right after start the container's executable is %q (%v), want its busybox", exe, err)
	}
}
