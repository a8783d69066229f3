package cgroups

import (
	"fmt"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Set compiles the device rules into a BPF program (v2_devices.go),
// enables the controllers r needs in every ancestor's
// cgroup.subtree_control, then writes the v2 files (cgroup-v2.rst, "Memory
// Interface Files", "PID Interface Files", "CPU Interface Files", "IO
// Interface Files"); r.Unified is written last, key = file name.
func (m *v2) Set(r *specs.LinuxResources) error {
	if r == nil {
		return nil
	}
	writes, err := v2Writes(r)
	if err != nil {
		return err
	}
	if _, err := devicesProgram(r.Devices); err != nil {
		return err
	}
	if err := m.create(); err != nil {
		return err
	}
	if len(r.Devices) > 0 {
		if err := m.setDevicesV2(r.Devices); err != nil {
			return err
		}
	}
	if err := m.enable(v2Controllers(r)...); err != nil {
		return err
	}
	for _, w := range writes {
		if err := writeFile(m.dir(), w.file, w.val); err != nil {
			return err
		}
	}
	return nil
}

// v2Controllers lists the controllers r uses.
func v2Controllers(r *specs.LinuxResources) []string {
	var cs []string
	if r.Memory != nil {
		cs = append(cs, "memory")
	}
	if r.Pids != nil {
		cs = append(cs, "pids")
	}
	if c := r.CPU; c != nil && (c.Shares != nil || c.Quota != nil || c.Period != nil || c.Burst != nil || c.Idle != nil) {
		cs = append(cs, "cpu")
	}
	if c := r.CPU; c != nil && (c.Cpus != "" || c.Mems != "") {
		cs = append(cs, "cpuset")
	}
	if r.BlockIO != nil {
		cs = append(cs, "io")
	}
	return cs
}

// fileWrite is one value for one control file.
type fileWrite struct{ file, val string }

// v2Writes translates r into the files to write, in order.
func v2Writes(r *specs.LinuxResources) ([]fileWrite, error) {
	ws, err := v2Memory(r.Memory)
	if err != nil {
		return nil, err
	}
	if r.Pids != nil && r.Pids.Limit != nil {
		ws = append(ws, fileWrite{"pids.max", pidsMax(r.Pids)})
	}
	ws = append(ws, v2CPU(r.CPU)...)
	ws = append(ws, v2IO(r.BlockIO)...)
	uw, err := v2Unified(r.Unified)
	return append(ws, uw...), err
}

// v2Memory maps limit -> memory.max, reservation -> memory.low and OCI's
// memory+swap total -> memory.swap.max (swap alone: swap - limit).
func v2Memory(mem *specs.LinuxMemory) ([]fileWrite, error) {
	if mem == nil {
		return nil, nil
	}
	if err := checkSwap(mem); err != nil {
		return nil, err
	}
	var ws []fileWrite
	if mem.Swap != nil {
		sw, err := v2Swap(mem.Limit, *mem.Swap)
		if err != nil {
			return nil, err
		}
		ws = append(ws, fileWrite{"memory.swap.max", sw})
	}
	if mem.Limit != nil {
		ws = append(ws, fileWrite{"memory.max", maxOr(*mem.Limit)})
	}
	if mem.Reservation != nil {
		ws = append(ws, fileWrite{"memory.low", maxOr(*mem.Reservation)})
	}
	return ws, nil
}

// v2Swap turns OCI's memory+swap total into memory.swap.max.
func v2Swap(limit *int64, swap int64) (string, error) {
	switch {
	case swap < 0:
		return "max", nil
	case limit == nil || *limit < 0:
		return "", fmt.Errorf("cgroups: linux.resources.memory.swap %d needs a memory.limit on cgroup v2 (swap.max = swap - limit)", swap)
	}
	return strconv.FormatInt(swap-*limit, 10), nil
}

// maxOr formats a limit, negative meaning "max".
func maxOr(v int64) string {
	if v < 0 {
		return "max"
	}
	return strconv.FormatInt(v, 10)
}

// v2CPU maps shares -> cpu.weight, quota/period -> cpu.max "$MAX $PERIOD",
// burst -> cpu.max.burst, idle -> cpu.idle, cpus/mems -> cpuset.cpus/mems.
func v2CPU(c *specs.LinuxCPU) []fileWrite {
	if c == nil {
		return nil
	}
	var ws []fileWrite
	if c.Shares != nil && *c.Shares != 0 {
		ws = append(ws, fileWrite{"cpu.weight", strconv.FormatUint(sharesToWeight(*c.Shares), 10)})
	}
	if c.Quota != nil || c.Period != nil {
		ws = append(ws, fileWrite{"cpu.max", cpuMax(c.Quota, c.Period)})
	}
	if c.Burst != nil {
		ws = append(ws, fileWrite{"cpu.max.burst", u64(c.Burst)})
	}
	if c.Idle != nil {
		ws = append(ws, fileWrite{"cpu.idle", i64(c.Idle)})
	}
	if c.Cpus != "" {
		ws = append(ws, fileWrite{"cpuset.cpus", c.Cpus})
	}
	if c.Mems != "" {
		ws = append(ws, fileWrite{"cpuset.mems", c.Mems})
	}
	return ws
}

// cpuMax formats cpu.max; a missing or non-positive quota is "max" and a
// missing period is the kernel's default, 100000 us.
func cpuMax(quota *int64, period *uint64) string {
	q := "max"
	if quota != nil && *quota > 0 {
		q = strconv.FormatInt(*quota, 10)
	}
	p := uint64(100000)
	if period != nil && *period != 0 {
		p = *period
	}
	return q + " " + strconv.FormatUint(p, 10)
}

// sharesToWeight maps v1 cpu.shares [2, 262144] linearly onto v2 cpu.weight
// [1, 10000], so the default 1024 shares becomes weight 39 (the mapping
// runc and crun use; the kernel's own default weight is 100).
func sharesToWeight(shares uint64) uint64 {
	shares = min(max(shares, 2), 262144)
	return 1 + (shares-2)*9999/262142
}

// v2IO maps blkio weight [10, 1000] onto io.weight [1, 10000] ("default N")
// and the throttle rules onto io.max lines "maj:min rbps=N".
func v2IO(b *specs.LinuxBlockIO) []fileWrite {
	if b == nil {
		return nil
	}
	var ws []fileWrite
	if b.Weight != nil && *b.Weight != 0 {
		w := 1 + (uint64(min(max(*b.Weight, 10), 1000))-10)*9999/990
		ws = append(ws, fileWrite{"io.weight", "default " + strconv.FormatUint(w, 10)})
	}
	keys := map[string]string{"read_bps_device": "rbps", "write_bps_device": "wbps",
		"read_iops_device": "riops", "write_iops_device": "wiops"}
	for _, t := range throttles(b) {
		for _, d := range t.devs {
			ws = append(ws, fileWrite{"io.max", fmt.Sprintf("%d:%d %s=%d", d.Major, d.Minor, keys[t.file], d.Rate)})
		}
	}
	return ws
}

// v2Unified checks linux.resources.unified keys: each must name a file in
// the group's own directory ("memory.high"), never a path.
func v2Unified(u map[string]string) ([]fileWrite, error) {
	var ws []fileWrite
	for k, v := range u {
		if k == "" || strings.ContainsAny(k, "/\x00") || !strings.Contains(k, ".") || strings.HasPrefix(k, ".") {
			return nil, fmt.Errorf("cgroups: linux.resources.unified key %q is not a cgroup file name", k)
		}
		ws = append(ws, fileWrite{k, v})
	}
	return ws, nil
}
