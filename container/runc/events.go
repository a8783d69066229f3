package runc

import (
	"encoding/json"
	"time"

	"github.com/deepsys/deepsys/container/cgroups"
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newEventsCmd) }

// newEventsCmd is runc events: with --stats one "stats" event and exit;
// otherwise a "stats" event every --interval and an "oom" event for each
// OOM of the container's cgroup, one JSON object a line, until the
// container stops.
func newEventsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events [--stats] [--interval 5s] <container-id>",
		Short: "Print a container's resource usage and OOM events as JSON lines",
		Args:  cobra.ExactArgs(1),
	}
	once := cmd.Flags().Bool("stats", false, "print the container's stats once and exit")
	interval := cmd.Flags().Duration("interval", 5*time.Second, "time between stats events")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *interval <= 0 {
			return usagef("--interval %v: want a positive duration", *interval)
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		if *once {
			return emitStats(enc, g.Root, args[0])
		}
		return streamEvents(enc, g.Root, args[0], *interval)
	}
	return cmd
}

// streamEvents emits stats every interval and OOMs as they come, until
// the container stops.
func streamEvents(enc *json.Encoder, root, id string, interval time.Duration) error {
	done := make(chan struct{})
	defer close(done)
	ooms, err := runtime.OOMEvents(root, id, done)
	if err != nil {
		return err
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case _, ok := <-ooms:
			if ooms, err = emitOOM(enc, id, ok, ooms); err != nil {
				return err
			}
		case <-tick.C:
			// An OOM kill often ends the container: report a pending
			// OOM before looking at the state.
			select {
			case _, ok := <-ooms:
				if ooms, err = emitOOM(enc, id, ok, ooms); err != nil {
					return err
				}
			default:
			}
			if st, err := runtime.State(root, id); err != nil || st.Status == specs.StateStopped {
				return nil
			}
			if err := emitStats(enc, root, id); err != nil {
				return err
			}
		}
	}
}

// emitOOM prints an oom event if the channel delivered one (ok); once the
// channel is closed (the cgroup is gone) it returns nil in its place,
// which a select never picks.
func emitOOM(enc *json.Encoder, id string, ok bool, ooms <-chan struct{}) (<-chan struct{}, error) {
	if !ok {
		return nil, nil
	}
	return ooms, enc.Encode(event{Type: "oom", ID: id})
}

func emitStats(enc *json.Encoder, root, id string) error {
	s, err := runtime.Stats(root, id)
	if err != nil {
		return err
	}
	return enc.Encode(event{Type: "stats", ID: id, Data: runcStats(s)})
}

// event is runc's event object (runc types/events.go): "stats" with data,
// or "oom".
type event struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data any    `json:"data,omitempty"`
}

// statsData is runc's stats event data. hugetlb and intel_rdt are
// printed empty (as runc prints what a host lacks): container/cgroups
// reads memory, pids, cpu and block I/O.
type statsData struct {
	CPU      cpuData             `json:"cpu"`
	Memory   memoryData          `json:"memory"`
	Pids     pidsData            `json:"pids"`
	Blkio    blkioData           `json:"blkio"`
	Hugetlb  map[string]struct{} `json:"hugetlb"`
	IntelRdt struct{}            `json:"intel_rdt"`
	Networks []struct{}          `json:"network_interfaces"`
}

type cpuData struct {
	Usage struct {
		Total  uint64   `json:"total,omitempty"`
		PerCPU []uint64 `json:"percpu,omitempty"`
		Kernel uint64   `json:"kernel"`
		User   uint64   `json:"user"`
	} `json:"usage"`
	Throttling struct {
		Periods          uint64 `json:"periods,omitempty"`
		ThrottledPeriods uint64 `json:"throttledPeriods,omitempty"`
		ThrottledTime    uint64 `json:"throttledTime,omitempty"`
	} `json:"throttling"`
}

type memoryData struct {
	Usage memoryEntry `json:"usage"`
	Swap  memoryEntry `json:"swap,omitzero"` // memory+swap, as runc reports it on v1 and v2
	// OOMKills is not in runc's event: the kill count of the cgroup
	// (v1 memory.oom_control oom_kill, v2 memory.events oom_kill).
	OOMKills uint64 `json:"oomKills,omitempty"`
}

type memoryEntry struct {
	Limit   uint64 `json:"limit"`
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

// blkioData is runc's blkio: the recursive service bytes and operations
// per device.
type blkioData struct {
	IoServiceBytesRecursive []blkioEntry `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []blkioEntry `json:"ioServicedRecursive,omitempty"`
}

type blkioEntry struct {
	Major uint64 `json:"major,omitempty"`
	Minor uint64 `json:"minor,omitempty"`
	Op    string `json:"op,omitempty"`
	Value uint64 `json:"value,omitempty"`
}

func blkioEntries(in []cgroups.BlkioEntry) []blkioEntry {
	var out []blkioEntry
	for _, e := range in {
		out = append(out, blkioEntry{Major: e.Major, Minor: e.Minor, Op: e.Op, Value: e.Value})
	}
	return out
}

type pidsData struct {
	Current uint64 `json:"current,omitempty"`
	Limit   uint64 `json:"limit,omitempty"` // 0: no limit, as runc reports "max"
}

// runcStats maps container/cgroups' stats onto runc's event data.
func runcStats(s *cgroups.Stats) *statsData {
	d := &statsData{Hugetlb: map[string]struct{}{}}
	d.CPU.Usage.Total, d.CPU.Usage.Kernel, d.CPU.Usage.User = s.CPU.UsageNs, s.CPU.SystemNs, s.CPU.UserNs
	t := &d.CPU.Throttling
	t.Periods, t.ThrottledPeriods, t.ThrottledTime = s.CPU.Periods, s.CPU.Throttled, s.CPU.ThrottledNs
	d.Memory.Usage = memoryEntry{Limit: s.Memory.Limit, Usage: s.Memory.Usage, Max: s.Memory.MaxUsage, Failcnt: s.Memory.Failcnt}
	d.Memory.OOMKills = s.Memory.OOMKills
	sw := s.Memory.Swap
	d.Memory.Swap = memoryEntry{Limit: sw.Limit, Usage: sw.Usage, Max: sw.MaxUsage, Failcnt: sw.Failcnt}
	d.CPU.Usage.PerCPU = s.CPU.PerCPUNs
	d.Blkio.IoServiceBytesRecursive = blkioEntries(s.BlockIO.ServiceBytes)
	d.Blkio.IoServicedRecursive = blkioEntries(s.BlockIO.Serviced)
	d.Pids.Current = s.Pids.Current
	if s.Pids.Limit != cgroups.Unlimited {
		d.Pids.Limit = s.Pids.Limit
	}
	return d
}
