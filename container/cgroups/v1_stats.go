package cgroups

import (
	"strconv"
	"strings"
)

// v1LimitMax is how memory.limit_in_bytes reads when unlimited on x86-64:
// PAGE_COUNTER_MAX (LONG_MAX / PAGE_SIZE) pages, in bytes.
const v1LimitMax = (1<<63 - 1) / 4096 * 4096

// Stats reads memory, pids, CPU and block I/O accounting from whichever of
// those controllers are mounted.
func (m *v1) Stats() (*Stats, error) {
	s := &Stats{}
	for _, read := range []func(*Stats) error{m.memoryStats, m.pidsStats, m.cpuStats, m.blkioStats} {
		if err := read(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// memoryStats reads memory.usage_in_bytes, max_usage, limit, failcnt (the
// larger of memory's and memory+swap's) and the oom_kill count in
// memory.oom_control.
func (m *v1) memoryStats(s *Stats) error {
	d := m.dir("memory")
	if d == "" {
		return nil
	}
	files := []struct {
		name string
		dst  *uint64
	}{
		{"memory.usage_in_bytes", &s.Memory.Usage},
		{"memory.max_usage_in_bytes", &s.Memory.MaxUsage},
		{"memory.limit_in_bytes", &s.Memory.Limit},
		{"memory.failcnt", &s.Memory.Failcnt},
	}
	for _, f := range files {
		v, err := readUint(d, f.name)
		if err != nil {
			return err
		}
		*f.dst = v
	}
	if s.Memory.Limit >= v1LimitMax {
		s.Memory.Limit = Unlimited
	}
	if exists(d, "memory.memsw.failcnt") {
		// With swap limited, hitting memory+swap first counts only here.
		sw, err := readUint(d, "memory.memsw.failcnt")
		if err != nil {
			return err
		}
		s.Memory.Failcnt = max(s.Memory.Failcnt, sw)
	}
	oc, err := readKeyed(d, "memory.oom_control")
	s.Memory.OOMKills = oc["oom_kill"]
	if err != nil {
		return err
	}
	return memswStats(d, &s.Memory.Swap)
}

// memswStats reads memory.memsw.* when the kernel accounts swap.
func memswStats(d string, sw *SwapStats) error {
	if !exists(d, "memory.memsw.usage_in_bytes") {
		return nil
	}
	for _, f := range []struct {
		name string
		dst  *uint64
	}{
		{"memory.memsw.usage_in_bytes", &sw.Usage},
		{"memory.memsw.max_usage_in_bytes", &sw.MaxUsage},
		{"memory.memsw.limit_in_bytes", &sw.Limit},
		{"memory.memsw.failcnt", &sw.Failcnt},
	} {
		v, err := readUint(d, f.name)
		if err != nil {
			return err
		}
		*f.dst = v
	}
	if sw.Limit >= v1LimitMax {
		sw.Limit = Unlimited
	}
	return nil
}

func (m *v1) pidsStats(s *Stats) error {
	d := m.dir("pids")
	if d == "" {
		return nil
	}
	var err error
	if s.Pids.Current, err = readUint(d, "pids.current"); err != nil {
		return err
	}
	s.Pids.Limit, err = readUint(d, "pids.max")
	return err
}

// cpuStats reads cpuacct.usage{,_user,_sys} (nanoseconds) and the CFS
// throttling counters of cpu.stat.
func (m *v1) cpuStats(s *Stats) error {
	if d := m.dir("cpuacct"); d != "" {
		for _, f := range []struct {
			name string
			dst  *uint64
		}{{"cpuacct.usage", &s.CPU.UsageNs}, {"cpuacct.usage_user", &s.CPU.UserNs}, {"cpuacct.usage_sys", &s.CPU.SystemNs}} {
			v, err := readUint(d, f.name)
			if err != nil {
				return err
			}
			*f.dst = v
		}
		if exists(d, "cpuacct.usage_percpu") {
			text, err := readFile(d, "cpuacct.usage_percpu")
			if err != nil {
				return err
			}
			s.CPU.PerCPUNs = parseUints(text)
		}
	}
	d := m.dir("cpu")
	if d == "" {
		return nil
	}
	st, err := readKeyed(d, "cpu.stat")
	s.CPU.Periods, s.CPU.Throttled, s.CPU.ThrottledNs = st["nr_periods"], st["nr_throttled"], st["throttled_time"]
	return err
}

// parseUints parses space-separated numbers (cpuacct.usage_percpu); a
// field that is not a number ends the list.
func parseUints(text string) []uint64 {
	var out []uint64
	for _, f := range strings.Fields(text) {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			break
		}
		out = append(out, v)
	}
	return out
}
