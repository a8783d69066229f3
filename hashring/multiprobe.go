// Multi-probe consistent hashing: Appleton & O'Reilly, "Multi-Probe
// Consistent Hashing", arXiv:1505.00062, 2015.
//
// A ring with one point per node is badly balanced: the arcs between random
// points vary in length, so with N nodes the largest arc is about ln N times
// the mean. Virtual nodes fix that by giving each node many points, at the
// cost of memory and cache misses. Multi-probe keeps one point per node and
// instead hashes the key k times, giving the key to the node whose point lies
// closest after any of its k probes. A node's share is then governed by the
// shortest of k gaps, which evens the shares out: the paper reaches a
// peak-to-mean load ratio of 1 + eps with 1 + 1/eps probes (1.05 with 21),
// using O(N) memory.
//
//  1. Each node's point is hashKey(name); the points are kept sorted, with
//     the owner of each beside it, and an index over their top bits.
//  2. Lookup(k): for i = 1..Probes, probe p_i = mixHalf(hashKey(k) + i x
//     splitmixGamma): a SplitMix64 sequence seeded with the key's hash,
//     each step put through one multiplication between two xor-shifts. Find
//     the first point at or after p_i on the ring (wrapping past the top),
//     and its clockwise distance point - p_i (mod 2^64).
//  3. The key belongs to the owner of the point at the least distance over
//     all probes; ties (only possible between probes, not between points)
//     keep the earlier probe.
//
// The search (Lookup) is written for 21 independent probes a lookup: no call
// and no branch that depends on the data. The points are turned (a constant
// added mod 2^64, which changes no order and no distance) so that the last
// is 2^64-1 and a probe never wraps. The index cuts the circle into 2 to 4
// arcs a point, so an arc holds at most two points but about once in 70 to
// 250 arcs; the successor is then among the three points from the arc's
// first, and all three are read at once. Measured in the side-by-side
// benchmark at 10, 100 and 1000 nodes, with stathat/consistent's one ring
// search at 165-240 ns: the generic circle search (a call a probe, a branch
// on wrapping) and a full mix64 a probe, 250-275 ns; this search with a full
// mix64, 140-210; with mixHalf, 115-120. Rejected: double hashing,
// p_i = h1 + i x h2 (Kirsch & Mitzenmacher 2006), one addition a probe and
// 125-135 ns, but its probes, evenly spaced, are not independent: sampled
// over 2M keys, shares departed from the exact independent-probe shares
// (multiprobe_test.go) with chi2/df 357 at 10 nodes and 6.3 at 100, peak
// 1.13 against 1.05; mix64 and mixHalf give chi2/df 0.2-1.1, within
// sampling noise.
//
// What probing does not even out is the trough: a node whose point sits just
// after another's owns a short gap and wins few probes. The paper bounds the
// peak, not the minimum; measured here at N = 100 and 1000, the spread of
// shares (standard deviation over mean) is about 0.19 and the least-loaded
// node gets under 1% of the mean, where a ring with 160 virtual nodes has a
// spread of about 0.08 but a peak of 1.2-1.25.
//
// Adding a node only takes keys whose best probe now lands nearer to it, and
// removing one only moves its own keys: the minimal disruption of a ring.
// Two nodes whose names hash to the same point would share it; the one with
// the smaller name is found and the other gets no keys (at 64 bits this does
// not happen in practice). Probes is Options.Probes, default 21. Lookup costs
// Probes indexed searches and allocates nothing.

package hashring

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
)

func init() { register("multiprobe", newMultiProbe) }

// multiProbeMax bounds Options.Probes so that a mistaken huge value is an error
// rather than lookups that never finish.
const multiProbeMax = 4096

// multiProbe is a one-point-per-node ring probed Probes times per key.
type multiProbe struct {
	set    *nodeSet
	probes int
	// values are the points, sorted, turned by turn (mod 2^64) so that
	// the last one is 2^64-1: order and distances are unchanged, and every
	// probe, turned the same, has a successor without wrapping. Two more
	// 2^64-1 follow them, so that three points from any point can be read.
	values []uint64
	turn   uint64
	names  []string // names[i] owns values[i]
	// index[q] is the first point whose top bits are >= q, or ^that when
	// arc q holds more than two points (see Lookup).
	index []int32
	shift uint // x >> shift is x's top bits
}

func newMultiProbe(nodes []Node, opt Options) (Hasher, error) {
	probes := opt.Probes
	switch {
	case probes == 0:
		probes = 21
	case probes < 0 || probes > multiProbeMax:
		return nil, fmt.Errorf("%w: multiprobe: Probes %d is outside 1..%d", ErrBadOption, probes, multiProbeMax)
	}
	m := &multiProbe{set: &nodeSet{index: map[string]int{}}, probes: probes}
	for _, nd := range nodes {
		if err := m.Add(nd); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *multiProbe) Algorithm() string { return "multiprobe" }

func (m *multiProbe) Lookup(key string) (string, error) {
	seed, values, index, shift, turn := hashKey(key), m.values, m.index, m.shift&63, m.turn
	if len(values) == 0 {
		return "", ErrEmpty
	}
	// A distance of 2^64-1 arises only when all points coincide, and then
	// the first point is the answer: so starting from it is starting from
	// probe 1.
	best, bestDist := 0, ^uint64(0)
	x := seed
	for n := m.probes; n > 0; n-- {
		x += splitmixGamma
		p := mixHalf(x) + turn
		// p's arc holds two points at most but for one arc in 70 to
		// 250 (skip takes those), and every point after the arc is
		// > p. So the successor of p is one of the three points from
		// the arc's first, after those below p (the borrows b0, b1),
		// and its distance is the least of the three: those below p
		// wrap to more than 2^64 - p.
		j := int(index[p>>shift])
		if j < 0 {
			j = m.skip(p, ^j)
		}
		v := values[j : j+3]
		d0, b0 := bits.Sub64(v[0], p, 0)
		d1, b1 := bits.Sub64(v[1], p, 0)
		j += int(b0 + b1)
		d := min(d0, d1, v[2]-p)
		// Keep the nearer without a branch: which probe wins is random,
		// so a branch would mispredict about ln(probes) times a lookup.
		_, nearer := bits.Sub64(d, bestDist, 0)
		mask := -nearer
		best ^= (best ^ j) & int(mask)
		bestDist ^= (bestDist ^ d) & mask
	}
	return m.names[best], nil
}

// skip returns the first point >= x from position j on.
func (m *multiProbe) skip(x uint64, j int) int {
	for m.values[j] < x {
		j++
	}
	return j
}

// Add gives node its single point.
func (m *multiProbe) Add(node Node) error {
	if err := m.set.add(node, false); err != nil {
		return err
	}
	m.rebuild()
	return nil
}

// Remove deletes the named node's point; only its keys move.
func (m *multiProbe) Remove(name string) error {
	if _, err := m.set.remove(name); err != nil {
		return err
	}
	m.rebuild()
	return nil
}

// rebuild lays out one point per member, sorted by value and, for equal
// values, by name, so the result depends only on the membership; then turns
// them and indexes them.
func (m *multiProbe) rebuild() {
	list := slices.Clone(m.set.list)
	slices.SortFunc(list, func(a, b Node) int {
		if c := cmp.Compare(hashKey(a.Name), hashKey(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	m.values, m.names = make([]uint64, len(list)), make([]string, len(list))
	if len(list) == 0 {
		return
	}
	m.turn = math.MaxUint64 - hashKey(list[len(list)-1].Name)
	for i, n := range list {
		m.values[i], m.names[i] = hashKey(n.Name)+m.turn, n.Name
	}
	m.buildIndex()
	m.values = append(m.values, math.MaxUint64, math.MaxUint64)
}

// buildIndex cuts the circle into 2^b arcs, 2^b between 2 and 4 times the
// points (8 to 16 bytes of index a node), so that most arcs hold no point or
// one, and records where each arc's points start.
func (m *multiProbe) buildIndex() {
	n := len(m.values)
	b := max(0, bits.Len(uint(n))-2) + 3
	m.shift = uint(64 - b)
	m.index = make([]int32, 1<<b)
	i := 0
	for q := range m.index {
		for m.values[i]>>m.shift < uint64(q) {
			i++ // stops at the last point, whose top bits are all ones
		}
		j := i
		for j < n && m.values[j]>>m.shift == uint64(q) {
			j++
		}
		m.index[q] = int32(i)
		if j-i > 2 {
			m.index[q] = ^int32(i)
		}
	}
}

func (m *multiProbe) Nodes() []Node { return m.set.nodes() }
