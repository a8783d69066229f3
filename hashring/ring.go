package hashring

// ring.go: consistent hashing on a ring with virtual nodes.
//
// Karger, Lehman, Leighton, Panigrahy, Levine & Lewin, "Consistent Hashing
// and Random Trees: Distributed Caching Protocols for Relieving Hot Spots on
// the World Wide Web", STOC 1997. Nodes and keys hash onto the same circle
// (here the uint32 range); a key belongs to the first node point clockwise
// from it. Adding a node takes keys only from the arcs its points split;
// removing one hands its arcs to their successors; nothing else moves.
//
//  1. Each node with weight w gets p = max(1, round(w x V)) points, V =
//     Options.VirtualNodes (default 160, ketama's figure). One point per node
//     leaves shares that vary by a factor of O(log n); with V points a node's
//     share is a sum of V arcs and its relative spread falls like 1/sqrt(V)
//     (Karger et al. give each node O(log n) copies for a constant-factor
//     bound).
//  2. Point j of node "name" is the top 32 bits of hash2(name, j): xxHash64
//     seeded with j, so no "name#j" string is built and the points of one
//     node are independent. 32 bits, as in ketama, make a point with its
//     owner 8 bytes: at 1,000 nodes the 160,000 points take 1.25 MiB instead
//     of 2.5, which with the capped index (circle.go) made a lookup there
//     25-40% faster, measured (ratio to buraksezer/consistent 0.88 -> 0.65
//     in the side-by-side benchmark). About 3 pairs of points then coincide at
//     1,000 nodes; step 3 orders them.
//  3. The points go on a circle (circle.go) sorted, ties broken by the
//     owner's position, so that a ring grown by Add equals one built by New.
//  4. Lookup hashes the key with hashKey and finds the first point >= its
//     top 32 bits, wrapping to the first point: circle.owner, an indexed,
//     branch-free binary search.
//  5. Add merges the new node's sorted points into the ring, Remove filters
//     its points out: O(points), no rehashing of the other nodes.

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

const (
	defaultVirtualNodes = 160
	// maxRingPoints bounds the ring (8 bytes a point, 128 MiB) so that a huge weight
	// or VirtualNodes is an error, not an out-of-memory crash.
	maxRingPoints = 1 << 24
)

func init() { register("ring", newRing) }

type ring struct {
	set    *nodeSet
	vnodes int
	c      circle
}

func newRing(nodes []Node, opt Options) (Hasher, error) {
	v := opt.VirtualNodes
	switch {
	case v == 0:
		v = defaultVirtualNodes
	case v < 0 || v > maxRingPoints:
		return nil, fmt.Errorf("%w: VirtualNodes %d is outside 1-%d", ErrBadOption, v, maxRingPoints)
	}
	set, err := newNodeSet(nodes, true)
	if err != nil {
		return nil, err
	}
	r := &ring{set: set, vnodes: v}
	var all []point
	for i, n := range set.list {
		count, err := r.pointCount(n, len(all))
		if err != nil {
			return nil, err
		}
		all = append(all, nodePoints(n.Name, count, int32(i))...)
	}
	slices.SortFunc(all, comparePoints) // step 3
	r.c.set(all)
	return r, nil
}

// comparePoints orders by value, then owner (step 3).
func comparePoints(a, b point) int {
	return cmp.Or(cmp.Compare(a.value, b.value), cmp.Compare(a.owner, b.owner))
}

func (r *ring) Algorithm() string { return "ring" }
func (r *ring) Nodes() []Node     { return r.set.nodes() }

func (r *ring) Lookup(key string) (string, error) {
	if len(r.c.points) == 0 {
		return "", ErrEmpty
	}
	return r.set.names[r.c.owner(uint32(hashKey(key)>>32))], nil
}

func (r *ring) Add(n Node) error {
	n, err := checkNode(n, true)
	if err != nil {
		return err
	}
	count, err := r.pointCount(n, len(r.c.points))
	if err != nil {
		return err
	}
	if err := r.set.add(n, true); err != nil {
		return err
	}
	r.merge(nodePoints(n.Name, count, int32(len(r.set.list)-1)))
	return nil
}

func (r *ring) Remove(name string) error {
	i, err := r.set.remove(name)
	if err != nil {
		return err
	}
	r.filter(int32(i))
	return nil
}

// pointCount is step 1, refusing to grow a ring of have points past
// maxRingPoints.
func (r *ring) pointCount(n Node, have int) (int, error) {
	p := math.Max(1, math.Round(n.Weight*float64(r.vnodes)))
	if p+float64(have) > maxRingPoints {
		return 0, fmt.Errorf("%w: node %q: weight %v x %d virtual nodes would grow the ring past %d points",
			ErrBadWeight, n.Name, n.Weight, r.vnodes, maxRingPoints)
	}
	return int(p), nil
}

// nodePoints is step 2: the sorted points of the node at position owner.
func nodePoints(name string, count int, owner int32) []point {
	pts := make([]point, count)
	for j := range pts {
		pts[j] = point{uint32(hash2(name, uint64(j)) >> 32), owner}
	}
	slices.SortFunc(pts, comparePoints)
	return pts
}

// merge adds the sorted points of the node that was added last, so on equal
// values the older point stays first (step 3).
func (r *ring) merge(add []point) {
	old := r.c.points
	points := make([]point, 0, len(old)+len(add))
	for len(old) > 0 && len(add) > 0 {
		if old[0].value <= add[0].value {
			points, old = append(points, old[0]), old[1:]
		} else {
			points, add = append(points, add[0]), add[1:]
		}
	}
	r.c.set(append(append(points, old...), add...))
}

// filter drops the points of the node that was at position gone and
// renumbers the owners after it, as nodeSet.remove shifted them.
func (r *ring) filter(gone int32) {
	points := slices.DeleteFunc(r.c.points, func(p point) bool { return p.owner == gone })
	for i := range points {
		if points[i].owner > gone {
			points[i].owner--
		}
	}
	r.c.set(points)
}
