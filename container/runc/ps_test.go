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
