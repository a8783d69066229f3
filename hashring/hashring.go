// Package hashring maps keys to the nodes of a changing cluster so that a
// membership change moves as few keys as possible: consistent hashing
// (article 18, "Consistent Hashing: Distributing Data Across Dynamic
// Clusters").
//
// Every algorithm of the article implements one interface, Hasher, so the
// same property tests, vectors and benchmarks run against all of them:
//
//   - ring.go        Karger et al. 1997: a ring of hashed points, virtual nodes.
//   - ketama.go      libmemcached's and twemproxy's ketama continuum, bit-exact.
//   - jump.go        Lamping & Veach 2014: jump consistent hash.
//   - rendezvous.go  Thaler & Ravishankar 1998: highest random weight, with
//     weights by the logarithmic method (Schindelhauer & Schomaker 2005).
//   - maglev.go      Eisenbud et al. 2016: Maglev lookup table.
//   - multiprobe.go  Appleton & O'Reilly 2015: multi-probe consistent hashing.
//   - bounded.go     Mirrokni, Thorup & Zadimoghaddam 2018: bounded loads.
//   - anchor.go      Mendelson et al. 2021: AnchorHash.
//   - dx.go          Dong & Wang 2021: DxHash.
//   - memento.go     Coluzzi et al. 2023: MementoHash.
//
// Choose with New(algorithm, nodes, options); Algorithms lists the names.
package hashring

import (
	"errors"
	"fmt"
	"sort"
)

// Node is one member of the cluster. Name is what the algorithm hashes and
// what Lookup returns (for memcached, "host:port"). Weight is its relative
// capacity; 0 in a Node passed to New or Add means 1.
type Node struct {
	Name   string
	Weight float64
}

// Hasher maps keys to nodes. Implementations are not safe for concurrent
// mutation; Lookup is safe for concurrent use when no Add or Remove runs.
type Hasher interface {
	// Algorithm is the name New accepts for this algorithm.
	Algorithm() string
	// Lookup returns the name of the node that owns key, or ErrEmpty.
	Lookup(key string) (string, error)
	// Add makes node a member. Errors: ErrDuplicate, ErrBadWeight,
	// ErrUnsupported (for example a weight on an unweighted algorithm, or
	// AnchorHash beyond its capacity).
	Add(node Node) error
	// Remove takes the named node out. Errors: ErrUnknownNode, and
	// ErrUnsupported where the algorithm's removal model forbids it (jump
	// hash can remove only the last node).
	Remove(name string) error
	// Nodes lists the current members in the order they were added.
	Nodes() []Node
}

// Errors every algorithm returns for bad input, wrapped with the detail.
var (
	ErrEmpty       = errors.New("hashring: no nodes")
	ErrDuplicate   = errors.New("hashring: duplicate node")
	ErrUnknownNode = errors.New("hashring: unknown node")
	ErrBadWeight   = errors.New("hashring: weight must be a positive finite number")
	ErrUnsupported = errors.New("hashring: not supported by this algorithm")
	ErrUnknownAlgo = errors.New("hashring: unknown algorithm")
	ErrBadOption   = errors.New("hashring: bad option")
)

// Options tunes the algorithms that have parameters; the zero value picks
// each paper's recommended default.
type Options struct {
	VirtualNodes int     // ring: points per unit of weight (default 160)
	TableSize    int     // maglev: prime >= 100 x nodes (default: smallest such prime above 65536)
	Probes       int     // multiprobe: probes per lookup (default 21)
	Epsilon      float64 // bounded: load bound factor, capacity ceil((1+eps) x average) (default 0.25)
	Capacity     int     // anchor, dx: the most nodes the structure can ever hold (default max(2 x nodes, 64))
}

// constructor builds one algorithm from its nodes and options.
type constructor func(nodes []Node, opt Options) (Hasher, error)

// algorithms is the registry New consults; each algorithm's file adds itself.
var algorithms = map[string]constructor{}

func register(name string, c constructor) {
	if _, dup := algorithms[name]; dup {
		panic("BUG: hashring algorithm registered twice: " + name)
	}
	algorithms[name] = c
}

// Algorithms lists the names New accepts, sorted.
func Algorithms() []string {
	names := make([]string, 0, len(algorithms))
	for n := range algorithms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the named algorithm over nodes.
func New(algorithm string, nodes []Node, opt Options) (Hasher, error) {
	c, ok := algorithms[algorithm]
	if !ok {
		return nil, fmt.Errorf("%w %q (have %v)", ErrUnknownAlgo, algorithm, Algorithms())
	}
	return c(nodes, opt)
}
