package cgroups

import (
	"slices"
	"strings"
	"testing"
)

const (
	hybridMountinfo = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`
	v2Mountinfo = `25 30 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
26 25 0:23 / /run/my\040cgroup rw - cgroup2 cgroup2 rw
`
)

// TestDetect reads layouts from mountinfo text: hybrid with co-mounted
// controllers, pure v2 (first mount wins), no cgroups, escaped paths.
func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, in, mode, unified string
		v1                      map[string]string
	}{
		{"hybrid", hybridMountinfo, "hybrid", "/sys/fs/cgroup/unified",
			map[string]string{"cpu": "/sys/fs/cgroup/cpu,cpuacct", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct", "memory": "/sys/fs/cgroup/memory"}},
		{"v2", v2Mountinfo, "v2", "/sys/fs/cgroup", map[string]string{}},
		{"escaped", `1 2 0:1 / /a\040b rw - cgroup cgroup rw,pids`, "v1", "", map[string]string{"pids": "/a b"}},
		{"none", "", "none", "", map[string]string{}},
	} {
		l, err := Detect(strings.NewReader(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if l.Mode() != tc.mode || l.Unified != tc.unified || len(l.V1) != len(tc.v1) {
			t.Errorf("%s: mode %s unified %q v1 %v; want %s %q %v", tc.name, l.Mode(), l.Unified, l.V1, tc.mode, tc.unified, tc.v1)
		}
		for c, mp := range tc.v1 {
			if l.V1[c] != mp {
				t.Errorf("%s: %s at %q, want %q", tc.name, c, l.V1[c], mp)
			}
		}
	}
}

// TestDetectErrors names the line of malformed mountinfo.
func TestDetectErrors(t *testing.T) {
	for in, want := range map[string]string{
		"1 2 3":                         "line 1: 3 fields",
		"ok\n1 2 0:1 / /x rw a b c d e": "line 1",
		v2Mountinfo + "1 2 0:1 / /x rw a b c d e": `line 3: no "- fstype`,
		`1 2 0:1 / /a\04 rw - cgroup cgroup rw`:   "line 1: mount point",
	} {
		_, err := Detect(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Detect(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

// TestDetectThisHost: this machine is hybrid, with the eight v1 controllers
// the runtime uses and a cgroup2 mount.
func TestDetectThisHost(t *testing.T) {
	l := hostLayout(t)
	if l.Mode() == "none" {
		t.Skip("no cgroups mounted")
	}
	if l.Mode() == "hybrid" {
		for _, c := range []string{"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"} {
			if !slices.Contains(l.Controllers(), c) {
				t.Errorf("hybrid host without v1 %s: %v", c, l.Controllers())
			}
		}
	}
}

// TestBadPaths: cgroup paths that escape or name the root are refused.
func TestBadPaths(t *testing.T) {
	l := &Layout{V1: map[string]string{"pids": "/sys/fs/cgroup/pids"}}
	for _, p := range []string{"", "/", "a/../../b", "..", "/./"} {
		if _, err := l.Manager(p); err == nil {
			t.Errorf("Manager(%q) succeeded", p)
		}
	}
	if _, err := (&Layout{V1: map[string]string{}}).Manager("x"); err == nil {
		t.Error("Manager on a host without cgroups succeeded")
	}
}

func FuzzDetect(f *testing.F) {
	f.Add(hybridMountinfo)
	f.Add(v2Mountinfo)
	f.Add(`1 2 0:1 / /a\040b rw - cgroup cgroup rw,pids`)
	f.Add(`1 2 0:1 / /a\4 rw - cgroup cgroup rw`)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Detect(strings.NewReader(s))
		if err == nil {
			l.Mode()
			l.Controllers()
		}
	})
}

func FuzzParseKeyed(f *testing.F) {
	f.Add("nr_periods 10\nnr_throttled 2\nthrottled_time 55\n")
	f.Add("populated 1\nfrozen 0")
	f.Add("oom_kill_disable 0\nunder_oom 0\noom_kill 18446744073709551616")
	f.Fuzz(func(t *testing.T, s string) {
		for k := range parseKeyed(s) {
			if strings.ContainsAny(k, " \t\n") {
				t.Fatalf("key %q holds white space", k)
			}
		}
	})
}
