package runc

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envMain makes the test binary the standalone runtime (TestRunForwards
// signals to a real process).
const envMain = "DEEPSYS_RUNC_TEST_MAIN"

func init() {
	if os.Getenv(envMain) == "1" {
		os.Exit(Main("deepsys-runc", "test", os.Args[1:], os.Stdout, os.Stderr))
	}
}

// TestRunForwardsSignals: SIGTERM sent to `run` reaches the container's
// process (a shell that traps it and exits 7), and run exits with its
// status.
func TestRunForwardsSignals(t *testing.T) {
	c := newLive(t, nil, "sh", "-c", `trap "echo got TERM; exit 7" TERM; touch /shared/ready; while :; do sleep 0.05; done`)
	cmd := exec.Command(os.Args[0], "--root", c.root, "run", "-b", c.bundle, c.id)
	cmd.Env = append(os.Environ(), envMain+"=1")
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c.waitFile(t, "ready")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 7 || out.String() != "got TERM\n" {
			t.Fatalf("run after SIGTERM: %v, stdout %q, stderr %q; want exit 7 and the trap's line", err, out.String(), errs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run still running 20 s after SIGTERM")
	}
}

// TestRunDetach: run -d returns once the container is started; it keeps
// running until killed.
func TestRunDetach(t *testing.T) {
	c := newLive(t, nil, "sleep", "100")
	if code, out, errs := c.run("run", "-d", "-b", c.bundle, c.id); code != 0 || out != "" {
		t.Fatalf("run -d: exit %d, %q, %s", code, out, errs)
	}
	if st := c.state(t); st.Status != "running" {
		t.Fatalf("state after run -d: %+v", st)
	}
	if code, _, errs := c.run("kill", c.id, "KILL"); code != 0 {
		t.Fatalf("kill: %s", errs)
	}
	for deadline := time.Now().Add(10 * time.Second); c.state(t).Status != "stopped"; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not stopped 10 s after SIGKILL")
		}
	}
	if code, _, errs := c.run("delete", c.id); code != 0 || strings.TrimSpace(errs) != "" {
		t.Fatalf("delete: exit %d, %s", code, errs)
	}
}
