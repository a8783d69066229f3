package runc

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestUpdateFlagsReachTheCgroup: runc update's flags are written to the
// running container's v1 cgroup files and kept in its state.
func TestUpdateFlagsReachTheCgroup(t *testing.T) {
	c := startLive(t, nil, "sleep", "100")
	code, _, errs := c.run("update", "--memory", "64m", "--memory-swap", "128M", "--memory-reservation", "32m",
		"--cpu-share", "512", "--cpu-period", "50000", "--cpu-quota", "20000", "--cpuset-cpus", "0",
		"--pids-limit", "30", c.id)
	if code != 0 {
		t.Fatalf("update: exit %d: %s", code, errs)
	}
	for _, f := range []struct{ controller, file, want string }{
		{"memory", "memory.limit_in_bytes", "67108864"},
		{"memory", "memory.memsw.limit_in_bytes", "134217728"},
		{"memory", "memory.soft_limit_in_bytes", "33554432"},
		{"cpu", "cpu.shares", "512"},
		{"cpu", "cpu.cfs_period_us", "50000"},
		{"cpu", "cpu.cfs_quota_us", "20000"},
		{"cpuset", "cpuset.cpus", "0"},
		{"pids", "pids.max", "30"},
	} {
		if got := strings.TrimSpace(c.cgroupFile(t, f.controller, f.file)); got != f.want {
			t.Errorf("%s: %q, want %q", f.file, got, f.want)
		}
	}
	res, err := runtime.Resources(c.root, c.id)
	if err != nil || res.Pids == nil || *res.Pids.Limit != 30 || *res.CPU.Quota != 20000 || *res.Memory.Limit != 64<<20 {
		t.Fatalf("stored resources %+v, %v", res, err)
	}
}

// TestUpdateResourcesFile: -r FILE and -r - (stdin) take a
// linux.resources JSON; a later update keeps what it does not name.
func TestUpdateResourcesFile(t *testing.T) {
	c := startLive(t, nil, "sleep", "100")
	file := filepath.Join(t.TempDir(), "res.json")
	os.WriteFile(file, []byte(`{"pids": {"limit": 40}, "cpu": {"quota": 30000, "period": 100000}}`), 0o644)
	if code, _, errs := c.run("update", "-r", file, "--pids-limit", "5", c.id); code != 0 {
		t.Fatalf("update -r FILE: exit %d: %s", code, errs)
	}
	if got := strings.TrimSpace(c.cgroupFile(t, "pids", "pids.max")); got != "40" {
		t.Errorf("pids.max %q after -r with pids.limit 40 (and --pids-limit 5, ignored as runc does)", got)
	}
	cmd := NewCommand("deepsys-runc", "test", &bytes.Buffer{}, &bytes.Buffer{})
	cmd.SetIn(strings.NewReader(`{"memory": {"limit": 100000000}}`))
	cmd.SetArgs([]string{"--root", c.root, "update", "--resources", "-", c.id})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("update -r -: %v", err)
	}
	if got := strings.TrimSpace(c.cgroupFile(t, "memory", "memory.limit_in_bytes")); got != "99999744" {
		t.Errorf("memory.limit_in_bytes %q, want 100000000 rounded down to pages", got)
	}
	res, err := runtime.Resources(c.root, c.id)
	if err != nil || *res.Pids.Limit != 40 || *res.CPU.Quota != 30000 || *res.Memory.Limit != 100000000 {
		t.Fatalf("stored resources after two updates: %+v, %v", res, err)
	}
}

// TestUpdateBadInput: bad values name the flag or the field, and change
// nothing.
func TestUpdateBadInput(t *testing.T) {
	c := startLive(t, nil, "sleep", "100")
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"pids": {"limit": "many"}}`), 0o644)
	unknown := filepath.Join(t.TempDir(), "unknown.json")
	os.WriteFile(unknown, []byte(`{"memroy": {}}`), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--memory", "lots"}, 2, "--memory"},
		{[]string{"--cpu-quota", "1.5"}, 2, "--cpu-quota"},
		{[]string{"--blkio-weight", "5"}, 2, "10-1000"},
		{[]string{"--kernel-memory", "1m"}, 1, "kernel memory"},
		{[]string{"-r", bad}, 1, "field pids.limit"},
		{[]string{"-r", unknown}, 1, `unknown field "memroy"`},
		{[]string{"-r", filepath.Join(t.TempDir(), "missing")}, 1, "no such file"},
	} {
		code, _, errs := c.run(append(append([]string{"update"}, tc.args...), c.id)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("update %q: exit %d, %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
	if code, _, errs := c.run("update", "--pids-limit", "7", "nosuch"); code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("update of a missing container: exit %d, %q", code, errs)
	}
	if got := strings.TrimSpace(c.cgroupFile(t, "pids", "pids.max")); got != "max" {
		t.Errorf("pids.max %q after refused updates, want max", got)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"4096": 4096, "512k": 512 << 10, "64m": 64 << 20, "64MB": 64 << 20,
		"1g": 1 << 30, "2GiB": 2 << 30, "10b": 10, "-1": -1} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "-2", "1x", "99999999999p", "1.5g"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q): no error", in)
		}
	}
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"4096", "64m", "2GiB", "-1", "", "kb", "9223372036854775807", "8p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseBytes(s); err == nil && n < -1 {
			t.Fatalf("parseBytes(%q) = %d", s, n)
		}
	})
}

func FuzzParseResources(f *testing.F) {
	for _, s := range []string{`{"memory": {"limit": 1048576, "swap": -1}}`, `{"cpu": {"cpus": "0-1", "quota": -1}}`,
		`{"pids": {"limit": 1}}`, `{"blockIO": {"weight": 500}}`, `{"devices": [{"allow": false, "access": "rwm"}]}`,
		`{"memroy": {}}`, `[]`, `{`, `{} {}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := ParseResources(b); err == nil && r == nil {
			t.Fatal("nil resources without an error")
		}
	})
}

// TestUpdateMemoryAboveSwapNeedsSwap: on v1 memory.limit_in_bytes may not
// exceed memory.memsw.limit_in_bytes: raising only --memory fails (as
// with runc) with a hint; with --memory-swap it works.
func TestUpdateMemoryAboveSwapNeedsSwap(t *testing.T) {
	limit := int64(16 << 20)
	c := startLive(t, func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit, Swap: &limit}}
	}, "sleep", "100")
	if code, _, errs := c.run("update", "--memory", "64m", c.id); code != 1 || !strings.Contains(errs, "needs --memory-swap") {
		t.Errorf("update --memory above memsw: exit %d, %q; want the hint", code, errs)
	}
	if code, _, errs := c.run("update", "--memory", "64m", "--memory-swap", "128m", c.id); code != 0 {
		t.Fatalf("update --memory --memory-swap: exit %d: %s", code, errs)
	}
	if got := strings.TrimSpace(c.cgroupFile(t, "memory", "memory.limit_in_bytes")); got != "67108864" {
		t.Errorf("memory.limit_in_bytes %q", got)
	}
}
