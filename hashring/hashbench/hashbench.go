// Package hashbench measures hashring's algorithms side by side with the Go
// consistent-hashing libraries people use (dgryski/go-jump,
// go-rendezvous, go-maglev, buraksezer/consistent, stathat/consistent,
// serialx/hashring, lafikl/consistent): lookup time and balance for
// N = 10, 100 and 1000 nodes, each of our algorithms against the peers of
// its family. It is benchmark code: the peers are imported only here.
//
// Method: every contestant is built over the same node names (node-0 ...)
// and looks up the same keys (key:0, key:1, ..., the form of the ketama
// vector files) through the same function shape, lookupFn. Lookup time is
// ns per lookup over a pass of the key set; balance is the most loaded
// node's keys over the mean (peak-to-mean, lower is better) for 1000 keys per
// node by default. Rounds are interleaved by internal/bench.
package hashbench

import (
	"fmt"
	"sync"
	"time"

	"github.com/deepsys/deepsys/hashring"
	"github.com/deepsys/deepsys/internal/bench"
)

// family pairs one of our algorithms with the peers it must match.
type family struct {
	algorithm string
	peers     []peer
}

// families: each of our algorithms against the peers of its kind. The
// stateful bucket hashes (AnchorHash, DxHash, MementoHash) have no Go peer
// of their own; they answer to jump hash, the fastest bucket hash, whose
// removal model they extend.
var families = []family{
	{"ring", []peer{peerStathat, peerSerialx, peerLafikl, peerBuraksezer}},
	{"ketama", []peer{peerSerialx, peerStathat}},
	{"multiprobe", []peer{peerStathat, peerSerialx}},
	{"bounded", []peer{peerLafiklBounded, peerBuraksezer}},
	{"jump", []peer{peerJump}},
	{"anchor", []peer{peerJump}},
	{"dx", []peer{peerJump}},
	{"memento", []peer{peerJump}},
	{"rendezvous", []peer{peerRendezvous}},
	{"maglev", []peer{peerMaglev}},
}

// Config scales the workloads.
type Config struct {
	Sizes   []int // node counts; default 10, 100, 1000
	Lookups int   // lookups per timed round; default 200000
	Keys    int   // distinct keys cycled through; default 65536 (a power of two)
	// KeysPerNode is how many keys a node gets on average in the balance
	// workloads; default 1000 (sampling noise then adds about 3% to the
	// relative spread of any hash, ours and the peers' alike).
	KeysPerNode int
}

// Quick is a configuration for smoke runs and tests.
var Quick = Config{Sizes: []int{10}, Lookups: 20000, Keys: 4096, KeysPerNode: 100}

func (c Config) withDefaults() Config {
	if len(c.Sizes) == 0 {
		c.Sizes = []int{10, 100, 1000}
	}
	if c.Lookups == 0 {
		c.Lookups = 200000
	}
	if c.Keys == 0 {
		c.Keys = 1 << 16
	}
	if c.KeysPerNode == 0 {
		c.KeysPerNode = 1000
	}
	return c
}

// Workloads builds every (family, N) lookup-time and balance workload.
func Workloads(cfg Config) ([]bench.Workload, error) {
	cfg = cfg.withDefaults()
	if cfg.Keys&(cfg.Keys-1) != 0 || cfg.Lookups <= 0 || cfg.KeysPerNode <= 0 {
		return nil, fmt.Errorf("hashbench: Keys %d must be a power of two, Lookups %d and KeysPerNode %d positive",
			cfg.Keys, cfg.Lookups, cfg.KeysPerNode)
	}
	keys := hashring.SimKeys(cfg.Keys)
	var out []bench.Workload
	for _, f := range families {
		for _, n := range cfg.Sizes {
			cs, err := contestants(f, n)
			if err != nil {
				return nil, err
			}
			out = append(out, timeWorkload(f, n, cs, keys, cfg.Lookups), balanceWorkload(f, n, cs, cfg.KeysPerNode))
		}
	}
	return out, nil
}

type contestant struct {
	name   string
	lookup lookupFn
}

// contestants builds ours and the family's peers over n nodes.
func contestants(f family, n int) ([]contestant, error) {
	nodes := hashring.NodeNames(n)
	h, err := hashring.New(f.algorithm, nodes, hashring.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s over %d nodes: %w", f.algorithm, n, err)
	}
	cs := []contestant{{bench.DeepsysName, func(k string) string { s, _ := h.Lookup(k); return s }}}
	names := make([]string, n)
	for i, nd := range nodes {
		names[i] = nd.Name
	}
	for _, p := range f.peers {
		l, err := p.build(names)
		if err != nil {
			return nil, err
		}
		cs = append(cs, contestant{p.name, l})
	}
	return cs, nil
}

func timeWorkload(f family, n int, cs []contestant, keys []string, lookups int) bench.Workload {
	w := bench.Workload{Name: fmt.Sprintf("%s lookup N=%d", f.algorithm, n), Metric: "lookup time",
		Unit: "ns/op", Better: bench.LowerIsBetter}
	for _, c := range cs {
		w.Contestants = append(w.Contestants, bench.Contestant{Name: c.name, Run: timeLookups(c, keys, lookups)})
	}
	return w
}

// timeLookups times lookups through c, cycling through keys (a power of
// two long). Every answer is checked to be non-empty, which also keeps the
// compiler from discarding the calls; ours and the peers pay the same.
func timeLookups(c contestant, keys []string, lookups int) func() (float64, error) {
	mask, lookup := len(keys)-1, c.lookup
	return func() (float64, error) {
		empty := 0
		start := time.Now()
		for i := 0; i < lookups; i++ {
			if lookup(keys[i&mask]) == "" {
				empty++
			}
		}
		ns := float64(time.Since(start).Nanoseconds()) / float64(lookups)
		if empty > 0 {
			return 0, fmt.Errorf("%s: %d lookups found no node", c.name, empty)
		}
		return ns, nil
	}
}

func balanceWorkload(f family, n int, cs []contestant, keysPerNode int) bench.Workload {
	w := bench.Workload{Name: fmt.Sprintf("%s balance N=%d", f.algorithm, n), Metric: "peak-to-mean load",
		Unit: "max/mean", Better: bench.LowerIsBetter}
	keys := hashring.SimKeys(keysPerNode * n)
	for _, c := range cs {
		// Placement is deterministic: every round would compute the same
		// figure, so compute it once and report it each round.
		once := sync.OnceValues(func() (float64, error) { return peakToMean(c.lookup, keys, n) })
		w.Contestants = append(w.Contestants, bench.Contestant{Name: c.name, Run: once})
	}
	return w
}

// peakToMean places keys and returns max load / mean load.
func peakToMean(lookup lookupFn, keys []string, n int) (float64, error) {
	loads := map[string]int{}
	for _, k := range keys {
		loads[lookup(k)]++
	}
	if loads[""] > 0 {
		return 0, fmt.Errorf("%d keys mapped to no node", loads[""])
	}
	peak := 0
	for _, l := range loads {
		peak = max(peak, l)
	}
	return float64(peak) / (float64(len(keys)) / float64(n)), nil
}
