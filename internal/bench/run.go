package bench

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"
)

// Measured is one workload after its rounds: a Stats per contestant, in the
// order of Workload.Contestants.
type Measured struct {
	Workload Workload
	Stats    []Stats
}

// Run measures every workload in turn with interleaved rounds and returns
// the report for system. A workload's Derived figures follow it. Every
// workload's Cleanup runs before Run returns.
func Run(system string, workloads []Workload, opt Options) (r *Report, err error) {
	defer func() { err = errors.Join(err, cleanup(workloads)) }()
	opt, err = opt.withDefaults()
	if err != nil {
		return nil, err
	}
	r = &Report{System: system, Rounds: opt.Rounds}
	for _, w := range workloads {
		m, err := measure(w, opt)
		if err != nil {
			return nil, err
		}
		r.Measured = append(r.Measured, m)
		for _, d := range w.Derived {
			r.Measured = append(r.Measured, d.measured(w, m.Stats[d.Contestant]))
		}
	}
	return r, nil
}

// cleanup calls every workload's Cleanup.
func cleanup(workloads []Workload) error {
	var errs []error
	for _, w := range workloads {
		if w.Cleanup != nil {
			errs = append(errs, w.Cleanup())
		}
	}
	return errors.Join(errs...)
}

// measured is d as a workload of its own, measured as s.
func (d Derived) measured(w Workload, s Stats) Measured {
	dw := Workload{Name: d.Name, Metric: d.Metric, Unit: d.Unit, Better: w.Better, Goal: d.Goal,
		Contestants: []Contestant{w.Contestants[d.Contestant]}}
	return Measured{Workload: dw, Stats: []Stats{d.derive(s)}}
}

// sample is one contestant's values in one round.
type sample struct{ net, gross, overhead float64 }

// measure runs warm-up rounds, then opt.Rounds interleaved rounds.
func measure(w Workload, opt Options) (Measured, error) {
	if err := w.validate(); err != nil {
		return Measured{}, err
	}
	for i := 0; i < opt.Warmup; i++ {
		if _, err := roundOf(w); err != nil {
			return Measured{}, err
		}
	}
	values := make([][]sample, len(w.Contestants))
	for i := 0; i < opt.Rounds; i++ {
		round, err := roundOf(w)
		if err != nil {
			return Measured{}, err
		}
		for c, v := range round {
			values[c] = append(values[c], v)
		}
		if opt.Progress != nil {
			opt.Progress(w.Name, i+1, opt.Rounds)
		}
	}
	m := Measured{Workload: w}
	for c, v := range values {
		m.Stats = append(m.Stats, summarizeSamples(v, w.Contestants[c].Overhead != nil))
	}
	return m, nil
}

// summarizeSamples is the Stats of one contestant's rounds; with an
// overhead, also of the gross and overhead values.
func summarizeSamples(v []sample, overhead bool) Stats {
	net, gross, over := make([]float64, len(v)), make([]float64, len(v)), make([]float64, len(v))
	for i, s := range v {
		net[i], gross[i], over[i] = s.net, s.gross, s.overhead
	}
	st := summarize(net)
	if overhead {
		g, o := summarize(gross), summarize(over)
		st.Gross, st.Overhead = &g, &o
	}
	return st
}

// roundOf runs each contestant once, in order: one step of A B C A B C,
// each contestant's Overhead right after its Run (A A0 B B0 C C0).
func roundOf(w Workload) ([]sample, error) {
	out := make([]sample, len(w.Contestants))
	for i, c := range w.Contestants {
		v, err := timed(w, c.Name, c.Run)
		if err != nil {
			return nil, err
		}
		out[i] = sample{net: v, gross: v}
		if c.Overhead == nil {
			continue
		}
		o, err := timed(w, c.Name+" (overhead)", c.Overhead)
		if err != nil {
			return nil, err
		}
		out[i] = sample{net: v - o, gross: v, overhead: o}
	}
	return out, nil
}

// timed collects garbage, then calls run (method, step 7).
func timed(w Workload, name string, run func() (float64, error)) (float64, error) {
	runtime.GC()
	v, err := run()
	if err != nil {
		return 0, fmt.Errorf("bench: %s / %s: %w", w.Name, name, err)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("bench: %s / %s: measured %v", w.Name, name, v)
	}
	return v, nil
}

// NsPerOp returns a Contestant.Run that times ops calls of op and reports
// nanoseconds per call.
func NsPerOp(ops int, op func(i int)) func() (float64, error) {
	return func() (float64, error) {
		if ops <= 0 {
			return 0, fmt.Errorf("bench: NsPerOp with %d ops", ops)
		}
		start := time.Now()
		for i := 0; i < ops; i++ {
			op(i)
		}
		return float64(time.Since(start).Nanoseconds()) / float64(ops), nil
	}
}

// PerSecond converts a Run that reports ns/op into one that reports
// millions of operations per second (higher is better).
func PerSecond(nsPerOp func() (float64, error)) func() (float64, error) {
	return func() (float64, error) {
		ns, err := nsPerOp()
		if err != nil {
			return 0, err
		}
		if ns <= 0 {
			return 0, fmt.Errorf("bench: %v ns/op cannot be turned into a rate", ns)
		}
		return 1e3 / ns, nil
	}
}
