package cgroups

// Stats reads memory.current/peak/max/events, pids.current/max, cpu.stat
// and io.stat.
// Files of controllers not enabled for the group are absent and read as zero.
func (m *v2) Stats() (*Stats, error) {
	s := &Stats{}
	d := m.dir()
	if exists(d, "memory.current") {
		if err := m.memoryStats(s); err != nil {
			return nil, err
		}
	}
	if exists(d, "pids.current") {
		var err error
		if s.Pids.Current, err = readUint(d, "pids.current"); err != nil {
			return nil, err
		}
		if s.Pids.Limit, err = readUint(d, "pids.max"); err != nil {
			return nil, err
		}
	}
	st, err := readKeyed(d, "cpu.stat")
	if err != nil {
		return nil, err
	}
	s.CPU = CPUStats{UsageNs: st["usage_usec"] * 1000, UserNs: st["user_usec"] * 1000, SystemNs: st["system_usec"] * 1000,
		Periods: st["nr_periods"], Throttled: st["nr_throttled"], ThrottledNs: st["throttled_usec"] * 1000}
	if err := m.blkioStats(s); err != nil {
		return nil, err
	}
	return s, nil
}

func (m *v2) memoryStats(s *Stats) error {
	d := m.dir()
	var err error
	if s.Memory.Usage, err = readUint(d, "memory.current"); err != nil {
		return err
	}
	if s.Memory.Limit, err = readUint(d, "memory.max"); err != nil {
		return err
	}
	if exists(d, "memory.peak") {
		if s.Memory.MaxUsage, err = readUint(d, "memory.peak"); err != nil {
			return err
		}
	}
	ev, err := readKeyed(d, "memory.events")
	s.Memory.Failcnt, s.Memory.OOMKills = ev["max"], ev["oom_kill"]
	if err != nil || !exists(d, "memory.swap.current") {
		return err
	}
	return swapStatsV2(d, &s.Memory)
}

// swapStatsV2 reports memory+swap as v1 would: memory.swap.current plus
// memory.current, memory.swap.max plus memory.max (runc does the same).
func swapStatsV2(d string, mem *MemoryStats) error {
	cur, err := readUint(d, "memory.swap.current")
	if err != nil {
		return err
	}
	limit, err := readUint(d, "memory.swap.max")
	if err != nil {
		return err
	}
	mem.Swap.Usage = cur + mem.Usage
	mem.Swap.Limit = Unlimited
	if limit != Unlimited && mem.Limit != Unlimited {
		mem.Swap.Limit = limit + mem.Limit
	}
	return nil
}
