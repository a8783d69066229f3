package hashring

import (
	"fmt"
	"math"
	"time"
)

// SimConfig describes one simulation: build Algorithm over Nodes nodes
// (named node-0 ... node-N-1), place Keys keys, optionally remove one node
// and add some, and measure what the article's figures of merit are:
// balance before and after, the keys that moved, and lookup time.
type SimConfig struct {
	Algorithm string
	Nodes     int
	Keys      int
	Remove    int // index of a node to remove, or -1
	Add       int // nodes to add after the removal
	Options   Options
}

// SimResult is what Simulate measured.
type SimResult struct {
	Algorithm    string
	Before       Balance
	After        Balance // equal to Before when nothing changed
	Moved        int     // keys whose owner changed
	MovedPercent float64
	// IdealMovedPercent is the least any hash must move: the removed
	// node's keys, or the added nodes' fair share, whichever is more (a
	// bucket hash that gives the removed bucket to the added node reaches
	// it; a ring moves both).
	IdealMovedPercent float64
	LookupNs          float64
	Changed           bool
}

// Balance summarises the load of each node.
type Balance struct {
	Loads     map[string]int
	Order     []string // node names in insertion order
	Mean      float64
	Max       int
	PeakToAvg float64 // max / mean
	RelStddev float64 // stddev / mean
}

// NodeNames returns node-0 ... node-(n-1).
func NodeNames(n int) []Node {
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i] = Node{Name: fmt.Sprintf("node-%d", i), Weight: 1}
	}
	return nodes
}

func (c SimConfig) validate() error {
	switch {
	case c.Nodes <= 0:
		return fmt.Errorf("%w: --nodes must be positive, got %d", ErrBadOption, c.Nodes)
	case c.Keys <= 0:
		return fmt.Errorf("%w: --keys must be positive, got %d", ErrBadOption, c.Keys)
	case c.Remove >= c.Nodes || c.Remove < -1:
		return fmt.Errorf("%w: --remove %d: no such node (have 0..%d)", ErrBadOption, c.Remove, c.Nodes-1)
	case c.Add < 0:
		return fmt.Errorf("%w: --add must not be negative, got %d", ErrBadOption, c.Add)
	}
	return nil
}

// Simulate runs cfg.
func Simulate(cfg SimConfig) (SimResult, error) {
	if err := cfg.validate(); err != nil {
		return SimResult{}, err
	}
	h, err := New(cfg.Algorithm, NodeNames(cfg.Nodes), cfg.Options)
	if err != nil {
		return SimResult{}, err
	}
	keys := SimKeys(cfg.Keys)
	before, err := assign(h, keys)
	if err != nil {
		return SimResult{}, err
	}
	res := SimResult{Algorithm: cfg.Algorithm, Before: balanceOf(h, before), LookupNs: timeLookups(h, keys)}
	res.After = res.Before
	if err := change(h, cfg); err != nil {
		return res, err
	}
	if cfg.Remove < 0 && cfg.Add == 0 {
		return res, nil
	}
	after, err := assign(h, keys)
	if err != nil {
		return res, err
	}
	res.Changed, res.After = true, balanceOf(h, after)
	res.Moved = moved(before, after)
	res.MovedPercent = 100 * float64(res.Moved) / float64(len(keys))
	res.IdealMovedPercent = idealMoved(cfg, before, after, len(keys))
	return res, nil
}

// change applies the removal, then the additions (named node-N, ...).
func change(h Hasher, cfg SimConfig) error {
	if cfg.Remove >= 0 {
		if err := h.Remove(fmt.Sprintf("node-%d", cfg.Remove)); err != nil {
			return err
		}
	}
	for i := 0; i < cfg.Add; i++ {
		if err := h.Add(Node{Name: fmt.Sprintf("node-%d", cfg.Nodes+i), Weight: 1}); err != nil {
			return err
		}
	}
	return nil
}

// SimKeys returns the keys of a simulation: key:0, key:1, ... (the form of
// the ketama vector files).
func SimKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("key:%d", i)
	}
	return keys
}

func assign(h Hasher, keys []string) ([]string, error) {
	owners := make([]string, len(keys))
	for i, k := range keys {
		n, err := h.Lookup(k)
		if err != nil {
			return nil, err
		}
		owners[i] = n
	}
	return owners, nil
}

func balanceOf(h Hasher, owners []string) Balance {
	b := Balance{Loads: map[string]int{}}
	for _, n := range h.Nodes() {
		b.Order = append(b.Order, n.Name)
		b.Loads[n.Name] = 0
	}
	for _, o := range owners {
		b.Loads[o]++
	}
	b.Mean = float64(len(owners)) / float64(len(b.Order))
	var sq float64
	for _, l := range b.Loads {
		b.Max = max(b.Max, l)
		sq += (float64(l) - b.Mean) * (float64(l) - b.Mean)
	}
	b.PeakToAvg = float64(b.Max) / b.Mean
	b.RelStddev = math.Sqrt(sq/float64(len(b.Order))) / b.Mean
	return b
}

func moved(before, after []string) int {
	n := 0
	for i := range before {
		if before[i] != after[i] {
			n++
		}
	}
	return n
}

// idealMoved is the percentage a minimal-disruption hash moves: the keys of
// the removed node must move, and the added nodes must receive their fair
// share; the removed node's keys can be part of that share, so the
// minimum is the larger of the two.
func idealMoved(cfg SimConfig, before, after []string, keys int) float64 {
	lost := 0
	if cfg.Remove >= 0 {
		name := fmt.Sprintf("node-%d", cfg.Remove)
		for _, o := range before {
			if o == name {
				lost++
			}
		}
	}
	final := cfg.Nodes - boolInt(cfg.Remove >= 0) + cfg.Add
	gained := float64(keys) * float64(cfg.Add) / float64(final)
	return 100 * max(float64(lost), gained) / float64(keys)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timeLookups returns the mean ns per Lookup over the keys (at least 200k
// lookups, so the timer's resolution does not matter).
func timeLookups(h Hasher, keys []string) float64 {
	n := max(len(keys), 200000)
	start := time.Now()
	for i := 0; i < n; i++ {
		_, _ = h.Lookup(keys[i%len(keys)])
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}
