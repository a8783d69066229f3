package runc

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestPs: ps --format json lists the container's pids (its init and the
// child it forked), and the table is ps(1)'s, filtered to those pids.
func TestPs(t *testing.T) {
	testenv.RequireTool(t, "ps")
	c := startLive(t, nil, "sh", "-c", "sleep 100 & touch /shared/ready; wait")
	c.waitFile(t, "ready")
	pid := c.state(t).Pid
	// touch has made the file but may not have exited yet: wait for it.
	var code int
	var out, errs string
	var pids []int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		code, out, errs = c.run("ps", "--format", "json", c.id)
		pids = nil
		if code != 0 || json.Unmarshal([]byte(out), &pids) != nil || len(pids) == 2 || time.Now().After(deadline) {
			break
		}
	}
	if code != 0 || len(pids) != 2 || !slices.Contains(pids, pid) {
		t.Fatalf("ps --format json: exit %d, %q, %s; want 2 pids with the init %d", code, out, errs, pid)
	}
	code, out, errs = c.run("ps", c.id, "-o", "pid,comm")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || strings.Fields(lines[0])[0] != "PID" {
		t.Fatalf("ps ID -o pid,comm: exit %d, %q, %s; want a header and two lines", code, out, errs)
	}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if p, _ := strconv.Atoi(f[0]); !slices.Contains(pids, p) || (f[1] != "sh" && f[1] != "sleep") {
			t.Errorf("ps line %q: not one of the container's processes %v", l, pids)
		}
	}
	if code, out, _ := c.run("ps", c.id); code != 0 || !strings.Contains(out, "UID") || !strings.Contains(out, "sleep 100") {
		t.Errorf("ps ID (ps -ef): exit %d, %q", code, out)
	}
	if code, _, errs := c.run("ps", "--format", "xml", c.id); code != 2 || !strings.Contains(errs, "xml") {
		t.Errorf("ps --format xml: exit %d, %q; want a usage error", code, errs)
	}
}

func TestFilterPs(t *testing.T) {
	out := "UID PID PPID CMD\nroot 1 0 init\nroot 42 1 sleep 100\nroot 43 42 sh\n"
	var b strings.Builder
	if err := filterPs(&b, []byte(out), []int{42, 7}); err != nil || b.String() != "UID PID PPID CMD\nroot 42 1 sleep 100\n" {
		t.Errorf("filterPs = %q, %v", b.String(), err)
	}
	if err := filterPs(&b, []byte("USER COMMAND\nroot x\n"), nil); err == nil || !strings.Contains(err.Error(), "PID") {
		t.Errorf("filterPs without a PID column: %v", err)
	}
}

// FuzzFilterPs: any ps output is filtered without a panic, and only the
// header and lines naming a wanted pid come out.
func FuzzFilterPs(f *testing.F) {
	for _, s := range []string{"UID PID CMD\nroot 42 sleep\n", "", "PID\n42\n", "A B PID\nx\n", "PID\n\n\n-1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		if err := filterPs(&b, []byte(s), []int{42}); err != nil {
			return
		}
		if n := strings.Count(b.String(), "\n"); n > 1+strings.Count(s, "42") {
			t.Fatalf("%d lines out of %q", n, s)
		}
	})
}
