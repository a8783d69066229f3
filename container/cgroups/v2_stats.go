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
	return err
}
