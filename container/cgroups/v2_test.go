package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/deepsys/deepsys/internal/testenv"
)

// v2Files are the files the kernel creates in a v2 group with cpuset, cpu,
// io, memory and pids enabled (cgroup-v2.rst), as far as the driver uses them.
var v2Files = []string{
	"cgroup.controllers", "cgroup.subtree_control", "cgroup.procs", "cgroup.freeze", "cgroup.events", "cgroup.kill",
	"memory.max", "memory.low", "memory.high", "memory.swap.max", "memory.current", "memory.peak", "memory.events",
	"pids.max", "pids.current", "cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle", "cpu.stat",
	"cpuset.cpus", "cpuset.mems", "io.weight", "io.max",
}

// fakeV2 builds a fake cgroup2 tree in a temporary directory, root and the
// group a/b with the kernel's files, and returns a Manager for a/b found
// through Detect of a mountinfo line naming the tree as cgroup2.
func fakeV2(t *testing.T) (Manager, string) {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{root, filepath.Join(root, "a"), filepath.Join(root, "a/b")} {
		os.MkdirAll(d, 0o755)
		for _, f := range v2Files {
			os.WriteFile(filepath.Join(d, f), nil, 0o644)
		}
		os.WriteFile(filepath.Join(d, "cgroup.controllers"), []byte("cpuset cpu io memory pids\n"), 0o644)
	}
	mi := "30 1 0:99 / " + strings.ReplaceAll(root, " ", `\040`) + " rw - cgroup2 cgroup2 rw\n"
	l, err := Detect(strings.NewReader(mi))
	if err != nil {
		t.Fatal(err)
	}
	m, err := l.Manager("/a/b")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*v2); !ok || l.Mode() != "v2" {
		t.Fatalf("layout %s gave %T, want the v2 driver", l.Mode(), m)
	}
	return m, root
}

// TestV2SetFileFormats: every OCI resource lands in its v2 file in the
// kernel's format, and the controllers are enabled in both ancestors.
func TestV2SetFileFormats(t *testing.T) {
	m, root := fakeV2(t)
	r := &specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: ptr[int64](64 << 20), Reservation: ptr[int64](32 << 20), Swap: ptr[int64](96 << 20)},
		Pids:   &specs.LinuxPids{Limit: ptr[int64](10)},
		CPU: &specs.LinuxCPU{Shares: ptr[uint64](1024), Quota: ptr[int64](50000), Period: ptr[uint64](100000),
			Burst: ptr[uint64](1000), Idle: ptr[int64](0), Cpus: "0-1", Mems: "0"},
		BlockIO: &specs.LinuxBlockIO{Weight: ptr[uint16](500),
			ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 1 << 20}}},
		Unified: map[string]string{"memory.high": "50331648"},
	}
	if err := m.Set(r); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a/b/memory.max": "67108864", "a/b/memory.low": "33554432", "a/b/memory.swap.max": "33554432",
		"a/b/pids.max": "10", "a/b/cpu.weight": "39", "a/b/cpu.max": "50000 100000", "a/b/cpu.max.burst": "1000",
		"a/b/cpu.idle": "0", "a/b/cpuset.cpus": "0-1", "a/b/cpuset.mems": "0", "a/b/io.weight": "default 4950",
		"a/b/io.max": "8:0 rbps=1048576", "a/b/memory.high": "50331648",
		"cgroup.subtree_control":   "+memory +pids +cpu +cpuset +io",
		"a/cgroup.subtree_control": "+memory +pids +cpu +cpuset +io",
	}
	for f, v := range want {
		if got, _ := os.ReadFile(filepath.Join(root, f)); string(got) != v {
			t.Errorf("%s = %q, want %q", f, got, v)
		}
	}
}

// TestV2SetErrors: bad or unsupported resources are refused with the field
// named, before any file is written.
func TestV2SetErrors(t *testing.T) {
	m, root := fakeV2(t)
	for _, tc := range []struct {
		r    specs.LinuxResources
		want string
	}{
		{specs.LinuxResources{Memory: &specs.LinuxMemory{Swap: ptr[int64](1 << 20)}}, "needs a memory.limit"},
		{specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](2 << 20), Swap: ptr[int64](1 << 20)}}, "memory+swap"},
		{specs.LinuxResources{Unified: map[string]string{"../escape": "1"}}, "not a cgroup file name"},
		{specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{}, {Type: "x"}}}, "devices[1]: type"},
		{specs.LinuxResources{HugepageLimits: nil, Unified: map[string]string{"nosuch.file": "1"}}, "nosuch.file"},
	} {
		err := m.Set(&tc.r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Set(%+v) = %v, want an error containing %q", tc.r, err, tc.want)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(root, "a/b/memory.max")); len(got) != 0 {
		t.Errorf("memory.max written by a refused Set: %q", got)
	}
}

// TestV2StatsFormats reads the v2 stat files in the kernel's formats.
func TestV2StatsFormats(t *testing.T) {
	m, root := fakeV2(t)
	files := map[string]string{
		"memory.current": "1048576\n", "memory.max": "max\n", "memory.peak": "2097152\n",
		"memory.events": "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n",
		"pids.current":  "3\n", "pids.max": "max\n",
		"cpu.stat":            "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\nnr_periods 10\nnr_throttled 4\nthrottled_usec 900\n",
		"io.stat":             "254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n",
		"memory.swap.current": "4096\n", "memory.swap.max": "max\n",
	}
	for f, v := range files {
		os.WriteFile(filepath.Join(root, "a/b", f), []byte(v), 0o644)
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{
		Memory: MemoryStats{Usage: 1 << 20, MaxUsage: 2 << 20, Limit: Unlimited, Failcnt: 7, OOMKills: 1,
			Swap: SwapStats{Usage: 1<<20 + 4096, Limit: Unlimited}},
		Pids: PidsStats{Current: 3, Limit: Unlimited},
		CPU:  CPUStats{UsageNs: 5e6, UserNs: 3e6, SystemNs: 2e6, Periods: 10, Throttled: 4, ThrottledNs: 9e5},
		BlockIO: BlockIOStats{
			ServiceBytes: []BlkioEntry{{254, 0, "Read", 4096}, {254, 0, "Write", 8192}},
			Serviced:     []BlkioEntry{{254, 0, "Read", 1}, {254, 0, "Write", 2}},
		},
	}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("Stats() = %+v\nwant %+v", *s, want)
	}
	os.WriteFile(filepath.Join(root, "a/b/memory.max"), []byte("1048576\n"), 0o644)
	os.WriteFile(filepath.Join(root, "a/b/memory.swap.max"), []byte("4096\n"), 0o644)
	if s, err := m.Stats(); err != nil || s.Memory.Swap.Limit != 1<<20+4096 {
		t.Errorf("memory+swap limit with memory.max and memory.swap.max: %+v, %v", s.Memory.Swap, err)
	}
	os.WriteFile(filepath.Join(root, "a/b/pids.current"), []byte("three\n"), 0o644)
	if _, err := m.Stats(); err == nil || !strings.Contains(err.Error(), "pids.current") {
		t.Errorf("Stats with a bad pids.current: %v, want an error naming the file", err)
	}
}

// TestV2FakeFreezeAndPids: Freeze writes cgroup.freeze and waits for
// cgroup.events to report it; Pids parses cgroup.procs.
func TestV2FakeFreezeAndPids(t *testing.T) {
	m, root := fakeV2(t)
	dir := filepath.Join(root, "a/b")
	os.WriteFile(filepath.Join(dir, "cgroup.events"), []byte("populated 1\nfrozen 1\n"), 0o644)
	if err := m.Freeze(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "cgroup.freeze")); string(got) != "1" {
		t.Errorf("cgroup.freeze = %q, want 1", got)
	}
	if frozen, err := m.Frozen(); !frozen || err != nil {
		t.Errorf("Frozen() = %v, %v after Freeze", frozen, err)
	}
	if err := m.Thaw(); err == nil || !strings.Contains(err.Error(), "frozen 0") {
		t.Errorf("Thaw while cgroup.events stays frozen: %v, want a timeout naming it", err)
	}
	os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte("12\n34\n"), 0o644)
	if pids, err := m.Pids(); err != nil || !slices.Equal(pids, []int{12, 34}) {
		t.Errorf("Pids() = %v, %v; want [12 34]", pids, err)
	}
}

// realV2Group makes a group on the host's cgroup2 mount, removed after the
// test.
func realV2Group(t *testing.T, l *Layout) Manager {
	t.Helper()
	m, err := (&Layout{Unified: l.Unified}).Manager(fmt.Sprintf("deepsys-test-%s-%d", t.Name(), os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.Thaw()
		pids, _ := m.Pids()
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
		m.Destroy()
	})
	return m
}

// TestV2DevicesProgram: on the real cgroup2 mount, rules compiled to a
// BPF_CGROUP_DEVICE program (deny all, allow every char device, deny
// c 1:5 rw) let a process in the group open /dev/null but not /dev/zero;
// a second Set replaces the program.
func TestV2DevicesProgram(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	l := hostLayout(t)
	if l.Unified == "" {
		t.Skip("no cgroup2 mount on this host")
	}
	m := realV2Group(t, l)
	rules := []specs.LinuxDeviceCgroup{{Allow: false}, {Allow: true, Type: "c", Access: "rwm"},
		{Allow: false, Type: "c", Major: ptr[int64](1), Minor: ptr[int64](5), Access: "rw"}}
	if err := m.Set(&specs.LinuxResources{Devices: rules}); err != nil {
		t.Fatal(err)
	}
	if a, b := opensInGroup(t, m); a != "/dev/null ok" || b != "/dev/zero operation not permitted" {
		t.Errorf("opens in the group: %q, %q; want /dev/null ok and /dev/zero EPERM", a, b)
	}
	// A second Set replaces the program: allowing everything opens both.
	if err := m.Set(&specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: true}}}); err != nil {
		t.Fatal(err)
	}
	if a, b := opensInGroup(t, m); a != "/dev/null ok" || b != "/dev/zero ok" {
		t.Errorf("opens after allow-all replaced the rules: %q, %q; want both ok", a, b)
	}
}

// TestV2RealUnified drives the v2 driver on this host's real cgroup2 mount,
// which here holds no cpu or memory controller: core files only. A spinner
// moved into a fresh group is listed, frozen (cgroup.events "frozen 1", its
// cpu.stat usage_usec stops), thawed, killed and the group removed.
func TestV2RealUnified(t *testing.T) {
	testenv.RequireRoot(t)
	l := hostLayout(t)
	if l.Unified == "" {
		t.Skip("no cgroup2 mount on this host")
	}
	m := realV2Group(t, l)
	h := startHelper(t, "spin", nil)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
	if pids, err := m.Pids(); err != nil || !slices.Equal(pids, []int{h.cmd.Process.Pid}) {
		t.Fatalf("Pids() = %v, %v; want the spinner", pids, err)
	}
	usage := func() uint64 {
		s, err := m.Stats()
		if err != nil {
			t.Fatal(err)
		}
		return s.CPU.UsageNs
	}
	if !poll(10*time.Second, func() bool { return usage() > 0 }) {
		t.Fatal("spinner never used CPU")
	}
	if err := m.Freeze(); err != nil {
		t.Fatal(err)
	}
	u1 := usage()
	time.Sleep(100 * time.Millisecond)
	if u2 := usage(); u2 != u1 {
		t.Errorf("frozen spinner used CPU: %d -> %d", u1, u2)
	}
	if err := m.Thaw(); err != nil {
		t.Fatal(err)
	}
	if !poll(10*time.Second, func() bool { return usage() > u1 }) {
		t.Error("thawed spinner used no more CPU")
	}
	checkRealV2Pids(t, m, l.Unified)
	h.cmd.Process.Kill()
	h.cmd.Wait()
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
}

// checkRealV2Pids sets pids.max 5 on a real v2 group: where the root offers
// the pids controller it reads back, elsewhere (this hybrid host) Set names
// the missing controller and where it looked.
func checkRealV2Pids(t *testing.T, m Manager, root string) {
	t.Helper()
	avail, err := readFile(root, "cgroup.controllers")
	if err != nil {
		t.Fatal(err)
	}
	err = m.Set(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](5)}})
	if !hasWord(avail, "pids") {
		if err == nil || !strings.Contains(err.Error(), `"pids" is not available in `+root) {
			t.Errorf("Set(pids) without a pids controller: %v, want an error naming it", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if s, err := m.Stats(); err != nil || s.Pids.Limit != 5 {
		t.Errorf("pids after Set: %+v, %v; want limit 5", s, err)
	}
}

// TestV2FakeOOMEvents: a rise of memory.events' oom_kill is an event,
// other changes are not; removing the file ends the stream.
func TestV2FakeOOMEvents(t *testing.T) {
	m, root := fakeV2(t)
	events := filepath.Join(root, "a/b", "memory.events")
	os.WriteFile(events, []byte("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"), 0o644)
	done := make(chan struct{})
	defer close(done)
	ooms, err := m.OOMEvents(done)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(events, []byte("low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n"), 0o644)
	os.WriteFile(events, []byte("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n"), 0o644)
	select {
	case <-ooms:
	case <-time.After(10 * time.Second):
		t.Fatal("no event for oom_kill 0 -> 1")
	}
	os.Remove(events)
	select {
	case _, open := <-ooms:
		if open {
			t.Error("an event for a change without an OOM kill")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end when memory.events went away")
	}
}
