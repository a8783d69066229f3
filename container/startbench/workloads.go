package startbench

import (
	"time"

	"github.com/deepsys/deepsys/internal/bench"
)

// Goals of issue 06 for our runtime: the stretch start-up time (the main
// goal is a ratio <= 1 against crun), peak RSS and the memory charged to
// the container before its process starts.
const (
	GoalRunTrueMs    = 10
	GoalPeakRSSMiB   = 6
	GoalChargedMiB   = 1
	DefaultRounds    = 50
	mib              = 1 << 20
	millisecondsPerS = 1e3
)

// Workloads are the bench's four workloads over f's runtimes (method,
// step 4). The last one carries the fixture's Close.
func (f *Fixture) Workloads() []bench.Workload {
	ws := []bench.Workload{
		{Name: "run true", Metric: "start-up", Unit: "ms", Goal: GoalRunTrueMs,
			Contestants: f.contestants(runTrueMs)},
		{Name: "create+start+wait+delete", Metric: "lifecycle", Unit: "ms",
			Contestants: f.contestants(lifecycleMs)},
		{Name: "run true: peak RSS of the runtime", Metric: "ru_maxrss", Unit: "MiB", Goal: GoalPeakRSSMiB,
			Contestants: f.contestants(peakRSSMiB)},
		{Name: "memory charged before the process starts", Metric: "cgroup memory usage after create", Unit: "MiB",
			Goal: GoalChargedMiB, Contestants: f.contestants(chargedMiB)},
	}
	for i := range ws {
		ws[i].Better = bench.LowerIsBetter
	}
	ws[len(ws)-1].Cleanup = f.Close
	return ws
}

// contestants are f's runtimes measured by m.
func (f *Fixture) contestants(m func(*Runtime) (float64, error)) []bench.Contestant {
	var cs []bench.Contestant
	for _, r := range f.Runtimes {
		r := r
		cs = append(cs, bench.Contestant{Name: r.Name, Run: func() (float64, error) { return m(r) }})
	}
	return cs
}

func runTrueMs(r *Runtime) (float64, error) {
	wall, err := r.runTrue()
	return wall.Seconds() * millisecondsPerS, err
}

func lifecycleMs(r *Runtime) (float64, error) {
	start := time.Now()
	err := r.lifecycle()
	return time.Since(start).Seconds() * millisecondsPerS, err
}

func peakRSSMiB(r *Runtime) (float64, error) {
	rss, err := r.peakRSS()
	return float64(rss) / mib, err
}

func chargedMiB(r *Runtime) (float64, error) {
	u, err := r.chargedBeforeStart()
	return float64(u) / mib, err
}
