package bench

import (
	"fmt"
	"math"
	"time"
)

// Measured is one workload after its rounds: a Stats per contestant, in the
// order of Workload.Contestants.
type Measured struct {
	Workload Workload
	Stats    []Stats
}

// Run measures every workload in turn with interleaved rounds and returns
// the report for system.
func Run(system string, workloads []Workload, opt Options) (*Report, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Report{System: system, Rounds: opt.Rounds}
	for _, w := range workloads {
		m, err := measure(w, opt)
		if err != nil {
			return nil, err
		}
		r.Measured = append(r.Measured, m)
	}
	return r, nil
}

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
	values := make([][]float64, len(w.Contestants))
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
	for _, v := range values {
		m.Stats = append(m.Stats, summarize(v))
	}
	return m, nil
}

// roundOf runs each contestant once, in order: one step of A B C A B C.
func roundOf(w Workload) ([]float64, error) {
	out := make([]float64, len(w.Contestants))
	for i, c := range w.Contestants {
		v, err := c.Run()
		if err != nil {
			return nil, fmt.Errorf("bench: %s / %s: %w", w.Name, c.Name, err)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("bench: %s / %s: measured %v", w.Name, c.Name, v)
		}
		out[i] = v
	}
	return out, nil
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
