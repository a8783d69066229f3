package runtime

import (
	"os"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestDevices: linux.devices are made with their type, numbers, mode and
// owner, and work (writes to a 1:3 device vanish like /dev/null's; the
// Example capabilities lack CAP_DAC_OVERRIDE, so the mode decides).
func TestDevices(t *testing.T) {
	s := testSpec("sh", "-c", "echo hi > /dev/mynull && ls -ln /dev/mynull /dev/null")
	mode, uid, gid := os.FileMode(0o622), uint32(7), uint32(8)
	s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/mynull", Type: "c", Major: 1, Minor: 3, FileMode: &mode, UID: &uid, GID: &gid}}
	code, out := runBundle(t, s)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, output %q", code, out)
	}
	f := strings.Fields(lines[0])
	if got := strings.Join([]string{f[0], f[2], f[3], f[4], f[5]}, " "); got != "crw--w--w- 7 8 1, 3" {
		t.Errorf("device: %q (from %q)", got, lines[0])
	}
	if !strings.HasPrefix(lines[1], "crw-rw-rw-") {
		t.Errorf("default /dev/null: %q", lines[1])
	}
}

func TestBadDeviceType(t *testing.T) {
	s := testSpec("true")
	s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/x", Type: "z"}}
	expectCreateFails(t, makeBundle(t, s), `linux.devices[0] (/dev/x): type "z"`)
}

// TestOOMScoreAdj: the process inherits process.oomScoreAdj.
func TestOOMScoreAdj(t *testing.T) {
	s := testSpec("cat", "/proc/self/oom_score_adj")
	v := 500
	s.Process.OOMScoreAdj = &v
	if code, out := runBundle(t, s); code != 0 || out != "500\n" {
		t.Fatalf("exit %d, output %q", code, out)
	}
}
