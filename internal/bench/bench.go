// Package bench is deepsys's side-by-side benchmark harness. Absolute times
// on shared machines are noise; what we report is a ratio against a peer
// measured in the same run. The method:
//
//  1. A Workload names one measured quantity (a metric with a unit and a
//     direction: lower is better for ns/op, higher for ops/s) and lists
//     contestants: deepsys first, then each peer.
//  2. Every contestant runs Warmup rounds whose values are thrown away (page
//     faults, JIT and cache warm-up, CPU frequency).
//  3. Rounds are interleaved, A B C A B C ..., so that drift in the machine
//     (another tenant, thermal state) hits every contestant alike instead of
//     whichever happened to run last.
//  4. Each contestant's rounds reduce to median, min and max; the median is
//     the figure (robust to one slow round), min and max show the spread.
//  5. Each peer gets a ratio deepsys/peer of medians, and Better says how to
//     read it: with lower-is-better a ratio below 1 is a win, with
//     higher-is-better a ratio above 1 is.
//  6. A contestant whose figure includes a fixed cost that is not the
//     workload (a call into an engine, a test-run loop) may give an
//     Overhead: the same measurement of an empty operation. The harness
//     runs it in every round right after the contestant's Run, and the
//     round's figure is the difference; the gross and overhead figures are
//     kept beside it (Stats.Gross, Stats.Overhead, the JSON, a second
//     table), so nobody reads a net figure as a gross one. Every contestant
//     of a workload should be given one, or none: a ratio of a net figure
//     to a gross one compares different things.
//  7. Before every timed call (Run or Overhead) the harness runs
//     runtime.GC(), so that the garbage one contestant leaves behind is
//     collected on nobody's time instead of on the next contestant's.
//  8. A workload may carry a Goal for deepsys's figure (reported as a row
//     against a peer named "goal") and Derived figures computed from a
//     contestant's rounds without timing anything again (ns per run over
//     instructions per run = ns per instruction), each with its own goal.
//
// A Report renders as a markdown table, as JSON in the schema of DESIGN.md
// ({"system", "results": [{workload, metric, unit, deepsys, peer,
// peer_value, ratio, better}]}), and as a PNG bar chart of the ratios.
package bench

import (
	"errors"
	"fmt"
	"sort"
)

// Better says which direction of a metric is good.
type Better string

// The two directions a metric can improve in.
const (
	LowerIsBetter  Better = "lower"
	HigherIsBetter Better = "higher"
)

// DeepsysName is the contestant name every system uses for itself.
const DeepsysName = "deepsys"

// MinRounds is the fewest measured rounds a median may come from.
const MinRounds = 5

// GoalName is the peer name of a goal's row.
const GoalName = "goal"

// A Contestant is one implementation of a workload. Run performs one round
// and returns the measured value in the workload's unit.
type Contestant struct {
	Name string
	Run  func() (float64, error)
	// Overhead, if set, measures in the workload's unit what Run's figure
	// includes that is not the workload: the same harness, batch size and
	// input on an empty operation. The contestant's figure for a round is
	// Run's value less Overhead's, measured right after it (method, step 6).
	Overhead func() (float64, error)
}

// A Workload is one quantity measured for deepsys and its peers.
// Contestants[0] is deepsys; the rest are peers.
type Workload struct {
	Name        string
	Metric      string // e.g. "lookup time", "throughput"
	Unit        string // e.g. "ns/op", "Mops/s"
	Better      Better
	Contestants []Contestant
	// Goal, if not 0, is a target for Contestants[0]'s figure, reported as
	// one more row against a peer named GoalName.
	Goal float64
	// Derived are figures computed from this workload's rounds.
	Derived []Derived
	// Cleanup, if set, releases what the workload's contestants hold (a
	// fixture several workloads share may hang on one of them). Run calls
	// every workload's Cleanup before it returns, also when measuring
	// failed.
	Cleanup func() error
}

// Derived is a figure computed from one contestant's rounds of a workload
// without timing anything more: each round's figure divided by Per (ns per
// run over the instructions a run executes is ns per instruction). The
// report shows it as a workload of its own, right after the one it comes
// from, with that contestant alone and Goal as its goal.
type Derived struct {
	Name, Metric, Unit string
	Contestant         int     // index into the workload's Contestants
	Per                float64 // the divisor, > 0
	Goal               float64 // 0: none
}

// Options control the rounds. The zero value means 1 warm-up and MinRounds.
type Options struct {
	Warmup int
	Rounds int
	// Progress, if set, is called after every round of every workload.
	Progress func(workload string, round, rounds int)
}

func (o Options) withDefaults() (Options, error) {
	if o.Warmup < 0 {
		return o, fmt.Errorf("bench: negative warm-up %d", o.Warmup)
	}
	if o.Warmup == 0 {
		o.Warmup = 1
	}
	if o.Rounds == 0 {
		o.Rounds = MinRounds
	}
	if o.Rounds < MinRounds {
		return o, fmt.Errorf("bench: %d rounds, the median needs at least %d", o.Rounds, MinRounds)
	}
	return o, nil
}

// Stats summarises one contestant's rounds.
type Stats struct {
	Median, Min, Max float64
	Rounds           []float64 // in the order measured
	// Gross and Overhead summarise Run's and Overhead's own values when
	// the contestant has an Overhead (nil otherwise); the figures above
	// are then their per-round differences.
	Gross, Overhead *Stats
}

// summarize computes median, min and max; it does not reorder xs.
func summarize(xs []float64) Stats {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Stats{Median: med, Min: s[0], Max: s[n-1], Rounds: xs}
}

func (w Workload) validate() error {
	switch {
	case w.Name == "":
		return errors.New("bench: workload without a name")
	case w.Better != LowerIsBetter && w.Better != HigherIsBetter:
		return fmt.Errorf("bench: workload %q: Better must be %q or %q", w.Name, LowerIsBetter, HigherIsBetter)
	case len(w.Contestants) == 0:
		return fmt.Errorf("bench: workload %q has no contestants", w.Name)
	}
	for _, c := range w.Contestants {
		if c.Run == nil {
			return fmt.Errorf("bench: workload %q: contestant %q has no Run", w.Name, c.Name)
		}
	}
	for _, d := range w.Derived {
		if d.Name == "" || d.Contestant < 0 || d.Contestant >= len(w.Contestants) || !(d.Per > 0) {
			return fmt.Errorf("bench: workload %q: derived figure %q needs a name, a contestant (0-%d) and Per > 0", w.Name, d.Name, len(w.Contestants)-1)
		}
	}
	return nil
}

// derive is d's figures from s, a contestant's Stats.
func (d Derived) derive(s Stats) Stats {
	per := make([]float64, len(s.Rounds))
	for i, v := range s.Rounds {
		per[i] = v / d.Per
	}
	return summarize(per)
}
