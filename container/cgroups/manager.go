package cgroups

import (
	"fmt"
	"os"
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Manager controls one container's cgroup. The runtime creates it before the
// container's process runs, calls Apply with that process's pid, Set with the
// config's linux.resources (and again on `update`), and Destroy after the
// container is gone.
type Manager interface {
	// Apply creates the group (if needed) and moves pid, with all its
	// threads, into it.
	Apply(pid int) error
	// Set writes the limits in r; nil fields are left unchanged.
	Set(r *specs.LinuxResources) error
	// Stats reads the group's current usage.
	Stats() (*Stats, error)
	// Freeze stops every task of the group and returns once the kernel
	// reports the group frozen.
	Freeze() error
	// Thaw undoes Freeze.
	Thaw() error
	// OOMEvents sends once for every OOM of the group until done is
	// closed or the group is removed, then closes the channel (oom.go).
	OOMEvents(done <-chan struct{}) (<-chan struct{}, error)
	// Frozen reports whether the group is frozen (v1 freezer.state FROZEN,
	// v2 cgroup.freeze 1): what runc's state calls "paused".
	Frozen() (bool, error)
	// Pids lists the processes of the group.
	Pids() ([]int, error)
	// Destroy removes the group's directories. The group must be empty.
	Destroy() error
}

// Stats is what Manager.Stats reports; zero where the kernel lacks the file.
type Stats struct {
	Memory  MemoryStats
	Pids    PidsStats
	CPU     CPUStats
	BlockIO BlockIOStats // blkio_stats.go
}

// MemoryStats is the memory controller's accounting, in bytes.
type MemoryStats struct {
	Usage    uint64 // v1 memory.usage_in_bytes, v2 memory.current
	MaxUsage uint64 // v1 memory.max_usage_in_bytes, v2 memory.peak
	Limit    uint64 // v1 memory.limit_in_bytes, v2 memory.max (Unlimited for "max")
	Failcnt  uint64 // v1 memory.failcnt or memory.memsw.failcnt, v2 memory.events "max"
	OOMKills uint64 // v1 memory.oom_control oom_kill, v2 memory.events oom_kill
	// Swap is memory+swap, as v1 counts it (memory.memsw.*); on v2 the
	// usage is memory.swap.current + memory.current and the limit
	// memory.swap.max + memory.max, as runc reports it. Zero without swap
	// accounting.
	Swap SwapStats
}

// SwapStats is memory+swap accounting, in bytes.
type SwapStats struct {
	Usage, MaxUsage, Limit, Failcnt uint64
}

// PidsStats is the pids controller's state.
type PidsStats struct {
	Current uint64 // pids.current
	Limit   uint64 // pids.max (Unlimited for "max")
}

// CPUStats is CPU time and CFS bandwidth throttling, in nanoseconds.
type CPUStats struct {
	UsageNs     uint64   // v1 cpuacct.usage, v2 cpu.stat usage_usec
	UserNs      uint64   // v1 cpuacct.usage_user, v2 cpu.stat user_usec
	SystemNs    uint64   // v1 cpuacct.usage_sys, v2 cpu.stat system_usec
	PerCPUNs    []uint64 // v1 cpuacct.usage_percpu (v2 has no per-CPU usage)
	Periods     uint64   // cpu.stat nr_periods
	Throttled   uint64   // cpu.stat nr_throttled
	ThrottledNs uint64   // v1 cpu.stat throttled_time, v2 throttled_usec
}

// Unlimited is the value Stats reports for a limit of "max" (or v1's
// PAGE_COUNTER_MAX rounded to pages).
const Unlimited = ^uint64(0)

// New detects the host's cgroup layout from /proc/self/mountinfo and returns
// the matching driver for the cgroup path p (e.g. "/deepsys/ctr1").
func New(p string) (Manager, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("cgroups: %w", err)
	}
	defer f.Close()
	l, err := Detect(f)
	if err != nil {
		return nil, err
	}
	return l.Manager(p)
}

// cleanPath checks a cgroup path and returns it relative ("a/b").
func cleanPath(p string) (string, error) {
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return "", fmt.Errorf("cgroups: path %q: contains \"..\"", p)
		}
	}
	c := strings.TrimPrefix(path.Clean("/"+p), "/")
	if c == "" {
		return "", fmt.Errorf("cgroups: path %q: names the root of the hierarchy", p)
	}
	return c, nil
}
