package startbench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestHideControllers: a process started from the namespace thread reads
// an empty cgroup.controllers; the host's file is untouched.
func TestHideControllers(t *testing.T) {
	testenv.RequireRoot(t)
	host, err := os.ReadFile(unifiedControllers)
	if err != nil {
		t.Skipf("no hybrid cgroup2 mount here: %v", err)
	}
	th, err := hideControllers(filepath.Join(t.TempDir(), "empty"))
	if err != nil {
		t.Fatal(err)
	}
	defer th.close()
	var out []byte
	th.do(func() { out, err = exec.Command(testenv.RequireTool(t, "cat"), unifiedControllers).Output() })
	if err != nil || len(out) != 0 {
		t.Fatalf("from the thread: %q, %v; want an empty file", out, err)
	}
	if again, _ := os.ReadFile(unifiedControllers); !bytes.Equal(again, host) {
		t.Fatalf("the host's %s changed: %q, was %q", unifiedControllers, again, host)
	}
}

// TestMissingPeer: each missing binary is named with its Debian package.
func TestMissingPeer(t *testing.T) {
	none := filepath.Join(t.TempDir(), "none")
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{}, "our runtime not found"},
		{Config{Ours: "/bin/sh", Runc: none}, "runc: " + none + " is not an executable (Debian package runc"},
		{Config{Ours: "/bin/sh", Runc: "/bin/sh", Crun: none}, "crun: " + none},
		{Config{Ours: "/bin/sh", Runc: "/bin/sh", Crun: "/bin/sh", Busybox: none}, "busybox: " + none},
	} {
		f, err := New(tc.c)
		if err == nil {
			f.Close()
			t.Fatalf("New(%+v) succeeded", tc.c)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v): %v, want %q", tc.c, err, tc.want)
		}
	}
}

// TestPeakRSSFloor: busybox time's report, scaled, is a shell's own peak
// (about 1.4 MiB), not the 17 MiB of the Go process that spawned it.
func TestPeakRSSFloor(t *testing.T) {
	bb := testenv.RequireTool(t, "busybox")
	tm, err := newRSSTimer(bb, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(bb, tm.args(bb, "true")...).Run(); err != nil {
		t.Fatal(err)
	}
	rss, err := tm.read()
	if err != nil {
		t.Fatal(err)
	}
	if rss < 256<<10 || rss > 4<<20 {
		t.Fatalf("busybox true: peak RSS %d bytes, want between 256 KiB and 4 MiB", rss)
	}
}

// FuzzParseReport: any report gives a size in range or an error naming
// the report, never a panic.
func FuzzParseReport(f *testing.F) {
	for _, seed := range []string{"5312\n", "Command exited with non-zero status 1\n5824\n", "", "\n", "-1", "x12", "99999999999999999999", "1099511627777"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseReport(b)
		if err == nil && (n < 0 || n > 1<<40) {
			t.Fatalf("parseReport(%q) = %d", b, n)
		}
		if err != nil && n != 0 {
			t.Fatalf("parseReport(%q) = %d with error %v", b, n, err)
		}
	})
}
