package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Set writes the OCI linux.resources to the v1 controllers' files. Fields
// for controllers that are not mounted are an error; fields whose files this
// kernel does not have (blkio.weight without CFQ/BFQ weights, hugetlb,
// net_cls/net_prio) are skipped, as listed in docs/container.md.
func (m *v1) Set(r *specs.LinuxResources) error {
	if r == nil {
		return nil
	}
	if err := checkV1(r); err != nil {
		return err
	}
	if err := m.create(); err != nil {
		return err
	}
	steps := []func(*specs.LinuxResources) error{m.setMemory, m.setPids, m.setCPU, m.setCpuset, m.setBlockIO, m.setDevices}
	for _, step := range steps {
		if err := step(r); err != nil {
			return err
		}
	}
	return nil
}

// checkV1 refuses, before anything is created or written, what the v1
// files cannot take: unified keys, memory+swap below the limit, swappiness
// above 100, malformed device rules.
func checkV1(r *specs.LinuxResources) error {
	if len(r.Unified) > 0 {
		return fmt.Errorf("cgroups: linux.resources.unified needs cgroup v2; this host uses v1 controllers")
	}
	if r.Memory != nil {
		if err := checkSwap(r.Memory); err != nil {
			return err
		}
		if s := r.Memory.Swappiness; s != nil && *s > 100 {
			return fmt.Errorf("cgroups: linux.resources.memory.swappiness %d is above 100", *s)
		}
	}
	for i, rule := range r.Devices {
		if _, err := deviceRule(rule); err != nil {
			return fmt.Errorf("cgroups: linux.resources.devices[%d]: %w", i, err)
		}
	}
	return nil
}

// need returns the group's directory for controller c, or an error naming
// the resource that asked for it.
func (m *v1) need(c, field string) (string, error) {
	d := m.dir(c)
	if d == "" {
		return "", fmt.Errorf("cgroups: linux.resources.%s needs the %s controller, which is not mounted", field, c)
	}
	return d, nil
}

// setPids writes pids.max; a limit <= 0 means unlimited ("max").
func (m *v1) setPids(r *specs.LinuxResources) error {
	if r.Pids == nil || r.Pids.Limit == nil {
		return nil
	}
	d, err := m.need("pids", "pids")
	if err != nil {
		return err
	}
	return writeFile(d, "pids.max", pidsMax(r.Pids))
}

// pidsMax formats a (non-nil) pids limit for pids.max.
func pidsMax(p *specs.LinuxPids) string {
	if *p.Limit <= 0 {
		return "max"
	}
	return strconv.FormatInt(*p.Limit, 10)
}

// setCPU writes CFS shares and bandwidth (Documentation/scheduler/
// sched-bwc.rst): the period first, since the kernel checks quota against
// it, then the quota (-1: unlimited), then burst, idle and RT runtime.
func (m *v1) setCPU(r *specs.LinuxResources) error {
	c := r.CPU
	if c == nil || (c.Shares == nil && c.Quota == nil && c.Period == nil && c.Burst == nil &&
		c.Idle == nil && c.RealtimePeriod == nil && c.RealtimeRuntime == nil) {
		return nil
	}
	d, err := m.need("cpu", "cpu")
	if err != nil {
		return err
	}
	writes := []struct {
		file string
		set  bool
		val  string
	}{
		{"cpu.shares", c.Shares != nil, u64(c.Shares)},
		{"cpu.cfs_period_us", c.Period != nil, u64(c.Period)},
		{"cpu.cfs_quota_us", c.Quota != nil, i64(c.Quota)},
		{"cpu.cfs_burst_us", c.Burst != nil, u64(c.Burst)},
		{"cpu.idle", c.Idle != nil, i64(c.Idle)},
		{"cpu.rt_period_us", c.RealtimePeriod != nil, u64(c.RealtimePeriod)},
		{"cpu.rt_runtime_us", c.RealtimeRuntime != nil, i64(c.RealtimeRuntime)},
	}
	for _, w := range writes {
		if w.set {
			if err := writeFile(d, w.file, w.val); err != nil {
				return err
			}
		}
	}
	return nil
}

// setCpuset writes cpuset.cpus and cpuset.mems ("0-1,3" lists, cpusets.rst).
func (m *v1) setCpuset(r *specs.LinuxResources) error {
	if r.CPU == nil || (r.CPU.Cpus == "" && r.CPU.Mems == "") {
		return nil
	}
	d, err := m.need("cpuset", "cpu.cpus")
	if err != nil {
		return err
	}
	if r.CPU.Cpus != "" {
		if err := writeFile(d, "cpuset.cpus", r.CPU.Cpus); err != nil {
			return err
		}
	}
	if r.CPU.Mems != "" {
		return writeFile(d, "cpuset.mems", r.CPU.Mems)
	}
	return nil
}

// setBlockIO writes blkio weights where the kernel has the files and the
// throttle rules ("major:minor value", blkio-controller.rst).
func (m *v1) setBlockIO(r *specs.LinuxResources) error {
	b := r.BlockIO
	if b == nil {
		return nil
	}
	d, err := m.need("blkio", "blockIO")
	if err != nil {
		return err
	}
	if b.Weight != nil && exists(d, "blkio.weight") {
		if err := writeFile(d, "blkio.weight", u16(*b.Weight)); err != nil {
			return err
		}
	}
	for _, t := range throttles(b) {
		for _, dev := range t.devs {
			line := fmt.Sprintf("%d:%d %d", dev.Major, dev.Minor, dev.Rate)
			if err := writeFile(d, "blkio.throttle."+t.file, line); err != nil {
				return err
			}
		}
	}
	return nil
}

type throttle struct {
	file string
	devs []specs.LinuxThrottleDevice
}

func throttles(b *specs.LinuxBlockIO) []throttle {
	return []throttle{
		{"read_bps_device", b.ThrottleReadBpsDevice},
		{"write_bps_device", b.ThrottleWriteBpsDevice},
		{"read_iops_device", b.ThrottleReadIOPSDevice},
		{"write_iops_device", b.ThrottleWriteIOPSDevice},
	}
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

func u64(p *uint64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatUint(*p, 10)
}

func i64(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func u16(v uint16) string { return strconv.FormatUint(uint64(v), 10) }
