package cgroups

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestV1MemoryLimitOOMKills (and OOMEvents: the eventfd registered on
// memory.oom_control fires): a helper that touches 64 MiB in a group limited
// to 16 MiB (memory and memory+swap) is killed by the memcg OOM killer, and
// the group's oom_kill count says so. Failcnt is not asserted: with
// memory+swap limited too, memory.failcnt and memory.memsw.failcnt both stay
// 0 on this 6.18 kernel (with only the memory limit, memory.failcnt counts).
func TestV1MemoryLimitOOMKills(t *testing.T) {
	m := testGroup(t)
	const limit = 16 << 20
	if err := m.Set(&specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](limit), Swap: ptr[int64](limit)}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	defer close(done)
	ooms, err := m.OOMEvents(done)
	if err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, "alloc", []string{"DEEPSYS_CGROUPS_MB=64"})
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
	select {
	case <-ooms:
	case <-time.After(20 * time.Second):
		t.Error("no OOM event within 20 s")
	}
	err = h.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper touching 64 MiB under a 16 MiB limit: %v, want killed by SIGKILL", err)
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Limit != limit || s.Memory.OOMKills == 0 {
		t.Errorf("memory stats %+v: want limit %d, oom kills > 0", s.Memory, limit)
	}
}

// TestV1PidsMaxBlocksFork: with pids.max 4 a shell starting ten sleeps
// fails to fork, and the group never holds more than 4 tasks.
func TestV1PidsMaxBlocksFork(t *testing.T) {
	m := testGroup(t)
	if err := m.Set(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](4)}}); err != nil {
		t.Fatal(err)
	}
	script := `read x; i=0; while [ $i -lt 10 ]; do /bin/busybox sleep 30 </dev/null >/dev/null 2>&1 & i=$((i+1)); done; echo all started`
	h := startHelper(t, "/bin/busybox", nil, "sh", "-c", script)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
	err := h.cmd.Wait()
	if err == nil || !strings.Contains(h.stderr.String(), "fork") {
		t.Fatalf("shell starting 10 processes under pids.max 4: %v, stderr %q; want a fork failure", err, h.stderr.String())
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Pids.Limit != 4 || s.Pids.Current > 4 {
		t.Errorf("pids stats %+v: want limit 4, current <= 4", s.Pids)
	}
}

// TestV1CPUQuotaThrottles: a spinning helper under 1 ms per 10 ms period is
// throttled (cpu.stat nr_throttled grows); no timing is asserted.
func TestV1CPUQuotaThrottles(t *testing.T) {
	m := testGroup(t)
	cpu := &specs.LinuxCPU{Quota: ptr[int64](1000), Period: ptr[uint64](10000), Shares: ptr[uint64](512), Cpus: "0"}
	if err := m.Set(&specs.LinuxResources{CPU: cpu}); err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, "spin", nil)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
	var s *Stats
	if !poll(20*time.Second, func() bool { s, _ = m.Stats(); return s != nil && s.CPU.Throttled > 0 }) {
		t.Fatalf("cpu stats %+v: nr_throttled stayed 0 under a 1ms/10ms quota", s.CPU)
	}
	if s.CPU.UsageNs == 0 || s.CPU.Periods == 0 {
		t.Errorf("cpu stats %+v: want usage and periods > 0", s.CPU)
	}
}

// TestV1FreezeStopsCPU: a frozen spinner uses no CPU time; thawed, it runs
// again.
func TestV1FreezeStopsCPU(t *testing.T) {
	m := testGroup(t)
	h := startHelper(t, "spin", nil)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
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
	st, _ := os.ReadFile(filepath.Join(m.(*v1).dir("freezer"), "freezer.state"))
	u1 := usage()
	time.Sleep(100 * time.Millisecond)
	if u2 := usage(); string(st) != "FROZEN\n" || u2 != u1 {
		t.Fatalf("frozen: freezer.state %q, cpu usage %d -> %d; want FROZEN and no change", st, u1, u2)
	}
	if frozen, err := m.Frozen(); !frozen || err != nil {
		t.Errorf("Frozen() after Freeze = %v, %v", frozen, err)
	}
	if err := m.Thaw(); err != nil {
		t.Fatal(err)
	}
	if frozen, err := m.Frozen(); frozen || err != nil {
		t.Errorf("Frozen() after Thaw = %v, %v", frozen, err)
	}
	if !poll(10*time.Second, func() bool { return usage() > u1 }) {
		t.Fatal("thawed spinner used no more CPU")
	}
}

// TestV1StatsAndPids: a helper that touched 8 MiB is charged for it, is
// listed by Pids, and the limit reads back.
func TestV1StatsAndPids(t *testing.T) {
	m := testGroup(t)
	if err := m.Set(&specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](64 << 20), Reservation: ptr[int64](32 << 20)}}); err != nil {
		t.Fatal(err)
	}
	h := startHelper(t, "alloc", []string{"DEEPSYS_CGROUPS_MB=8"})
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
	if got := h.line(t); got != "ok" {
		t.Fatalf("helper said %q", got)
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Usage < 8<<20 || s.Memory.Limit != 64<<20 || s.Pids.Current < 1 || s.CPU.UsageNs == 0 {
		t.Errorf("stats %+v: want memory usage >= 8 MiB, limit 64 MiB, pids >= 1, cpu usage > 0", s)
	}
	if sw := s.Memory.Swap; sw.Usage < s.Memory.Usage || sw.Limit != Unlimited {
		t.Errorf("memory+swap %+v: want usage >= memory usage %d, no limit", sw, s.Memory.Usage)
	}
	if n := len(s.CPU.PerCPUNs); n != runtime.NumCPU() {
		t.Errorf("per-CPU usage %v: want %d entries", s.CPU.PerCPUNs, runtime.NumCPU())
	}
	pids, err := m.Pids()
	if err != nil || !slices.Contains(pids, h.cmd.Process.Pid) {
		t.Errorf("Pids() = %v, %v; want it to hold %d", pids, err, h.cmd.Process.Pid)
	}
}

// TestV1DevicesDenyAll: deny-all then allow /dev/null (c 1:3) leaves exactly
// that rule in devices.list, and a process in the group can open /dev/null
// but not /dev/zero.
func TestV1DevicesDenyAll(t *testing.T) {
	m := testGroup(t)
	rules := []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}, {Allow: true, Type: "c", Major: ptr[int64](1), Minor: ptr[int64](3), Access: "rwm"}}
	if err := m.Set(&specs.LinuxResources{Devices: rules}); err != nil {
		t.Fatal(err)
	}
	list, _ := os.ReadFile(filepath.Join(m.(*v1).dir("devices"), "devices.list"))
	if string(list) != "c 1:3 rwm\n" {
		t.Errorf("devices.list = %q, want %q", list, "c 1:3 rwm\n")
	}
	if a, b := opensInGroup(t, m); a != "/dev/null ok" || b != "/dev/zero operation not permitted" {
		t.Errorf("opens in the group: %q, %q; want /dev/null ok and /dev/zero EPERM", a, b)
	}
}

// TestV1DestroyBusyThenEmpty: Destroy of a group that still holds a process
// gives up after its retries with EBUSY, leaving the group intact; once the
// process is gone it succeeds, and a second Destroy is a no-op.
func TestV1DestroyBusyThenEmpty(t *testing.T) {
	m := testGroup(t)
	h := startHelper(t, "spin", nil)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(); !errors.Is(err, syscall.EBUSY) {
		t.Fatalf("Destroy of a populated group: %v, want EBUSY", err)
	}
	if err := m.Apply(-1); err == nil || !strings.Contains(err.Error(), "cgroup.procs") {
		t.Errorf("Apply(-1): %v, want an error naming cgroup.procs", err)
	}
	h.cmd.Process.Kill()
	h.cmd.Wait()
	if err := m.Destroy(); err != nil {
		t.Fatalf("Destroy after the process exited: %v", err)
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
	if _, err := os.Stat(m.(*v1).dir("memory")); !os.IsNotExist(err) {
		t.Errorf("memory group still there: %v", err)
	}
}

// TestV1HybridJoinsUnified: on a hybrid host the process also joins the
// group on the cgroup2 mount, so /proc/pid/cgroup names the group both in
// the memory hierarchy and on the "0::" line.
func TestV1HybridJoinsUnified(t *testing.T) {
	m := testGroup(t)
	if _, ok := m.(*v1).mounts[hybridKey]; !ok {
		t.Skip("not a hybrid host")
	}
	h := startHelper(t, "spin", nil)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", h.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	rel := "/" + m.(*v1).rel
	for _, want := range []string{":memory:" + rel + "\n", "\n0::" + rel + "\n"} {
		if !strings.Contains("\n"+string(b), want) {
			t.Errorf("/proc/pid/cgroup lacks %q:\n%s", want, b)
		}
	}
}
