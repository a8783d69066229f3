package hashring

// ring.go: consistent hashing on a ring with virtual nodes.
//
// Karger, Lehman, Leighton, Panigrahy, Levine & Lewin, "Consistent Hashing
// and Random Trees: Distributed Caching Protocols for Relieving Hot Spots on
// the World Wide Web", STOC 1997. Nodes and keys hash onto the same circle
// (here the uint64 range); a key belongs to the first node point clockwise
// from it. Adding a node takes keys only from the arcs its points split;
// removing one hands its arcs to their successors; nothing else moves.
//
//  1. Each node with weight w gets p = max(1, round(w x V)) points, V =
//     Options.VirtualNodes (default 160, ketama's figure). One point per node
//     leaves shares that vary by a factor of O(log n); with V points a node's
//     share is a sum of V arcs and its relative spread falls like 1/sqrt(V)
//     (Karger et al. §4 take V = O(log n) for a constant-factor bound).
//  2. Point j of node "name" is hash2(name, j): xxHash64 seeded with j, so no
//     "name#j" string is built and the points of one node are independent.
//  3. points holds all points sorted (ties broken by the owner's position,
//     so a ring grown by Add equals one built by New); owners[i] is the
//     position in the node list of the owner of points[i].
//  4. Lookup hashes the key with hashKey and binary-searches the first point
//     >= h, wrapping to points[0]: the branch-free lower bound in successor.
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
	// maxRingPoints bounds the ring (12 bytes a point) so that a huge weight
	// or VirtualNodes is an error, not an out-of-memory crash.
	maxRingPoints = 1 << 24
)

func init() { register("ring", newRing) }

type ring struct {
	set    *nodeSet
	vnodes int
	points []uint64
	owners []int32
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
	var all []ringPoint
	for i, n := range set.list {
		count, err := r.pointCount(n, len(all))
		if err != nil {
			return nil, err
		}
		for _, p := range nodePoints(n.Name, count) {
			all = append(all, ringPoint{p, int32(i)})
		}
	}
	r.build(all)
	return r, nil
}

// ringPoint is a point and its owner's position, before sorting.
type ringPoint struct {
	value uint64
	owner int32
}

// build sorts all points by value, then owner (step 3).
func (r *ring) build(all []ringPoint) {
	slices.SortFunc(all, func(a, b ringPoint) int {
		return cmp.Or(cmp.Compare(a.value, b.value), cmp.Compare(a.owner, b.owner))
	})
	r.points, r.owners = make([]uint64, len(all)), make([]int32, len(all))
	for i, p := range all {
		r.points[i], r.owners[i] = p.value, p.owner
	}
}

func (r *ring) Algorithm() string { return "ring" }
func (r *ring) Nodes() []Node     { return r.set.nodes() }

func (r *ring) Lookup(key string) (string, error) {
	if len(r.points) == 0 {
		return "", ErrEmpty
	}
	i := successor(r.points, hashKey(key))
	return r.set.list[r.owners[i]].Name, nil
}

func (r *ring) Add(n Node) error {
	n, err := checkNode(n, true)
	if err != nil {
		return err
	}
	count, err := r.pointCount(n, len(r.points))
	if err != nil {
		return err
	}
	if err := r.set.add(n, true); err != nil {
		return err
	}
	r.merge(nodePoints(n.Name, count), int32(len(r.set.list)-1))
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

// nodePoints is step 2: the sorted points of one node.
func nodePoints(name string, count int) []uint64 {
	pts := make([]uint64, count)
	for j := range pts {
		pts[j] = hash2(name, uint64(j))
	}
	slices.Sort(pts)
	return pts
}

// merge adds the sorted points of the node at position owner, which is the
// last position, so on equal values the older point stays first (step 3).
func (r *ring) merge(add []uint64, owner int32) {
	points := make([]uint64, 0, len(r.points)+len(add))
	owners := make([]int32, 0, cap(points))
	i, j := 0, 0
	for i < len(r.points) || j < len(add) {
		if j == len(add) || (i < len(r.points) && r.points[i] <= add[j]) {
			points, owners = append(points, r.points[i]), append(owners, r.owners[i])
			i++
		} else {
			points, owners = append(points, add[j]), append(owners, owner)
			j++
		}
	}
	r.points, r.owners = points, owners
}

// filter drops the points of the node that was at position gone and
// renumbers the owners after it, as nodeSet.remove shifted them.
func (r *ring) filter(gone int32) {
	k := 0
	for i, o := range r.owners {
		if o == gone {
			continue
		}
		if o > gone {
			o--
		}
		r.points[k], r.owners[k] = r.points[i], o
		k++
	}
	r.points, r.owners = r.points[:k], r.owners[:k]
}

// successor returns the index of the first element of the sorted, non-empty
// a that is >= x, or 0 when x is above them all: the clockwise successor of
// x on the ring. The loop halves [base, base+n], which always holds the
// lower bound, with one compare and a conditional move per step and no
// branch to mispredict.
func successor[T uint32 | uint64](a []T, x T) int {
	base, n := 0, len(a)
	for n > 1 {
		half := n >> 1
		if a[base+half] < x {
			base += half
		}
		n -= half
	}
	if a[base] < x {
		base++
	}
	if base == len(a) {
		return 0
	}
	return base
}
