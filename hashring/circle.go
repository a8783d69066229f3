package hashring

// circle.go: the sorted circle of points that ring.go, ketama.go and
// bounded.go share, and its successor search. (multiprobe.go, which searches
// 21 times a lookup, has a search of its own.)
//
// A lookup on a ring is a lower-bound search: the first point >= the key's
// hash, wrapping to the first point. With 160 points a node the circle holds
// 1,600 to 160,000 points; a plain binary search then costs 11 to 18
// dependent loads, and at 160,000 points the deep ones miss the cache.
//
//  1. points is sorted by value; each point carries its owner, the position
//     of its node in the node list, in the same cache line as its value.
//  2. index cuts the circle into 2^b equal arcs, 2^b between a quarter and
//     a half of the number of points but at most 2^14: index[p] is the
//     first point whose top b bits are >= p. The successor of x is then in
//     [index[p], index[p+1]] for p = x's top b bits, two to four points on
//     average (ten at 160,000 points), so the search takes one to four steps
//     and two cache misses (index, then point and owner together) instead
//     of eighteen steps. The cap keeps the index within 64 KiB, in the L2
//     cache beside the points it leads to: at 160,000 points (1,000 nodes)
//     an index of 2^16 arcs (256 KiB) made a ring lookup about 20% slower,
//     measured (on this machine a dependent load costs about 17 ns anywhere
//     in a 2 MiB set, 95 ns in 2.5 MiB). Below the cap, coarser arcs only
//     add search steps, whose number varies and so mispredicts.
//  3. The search in that range has no data-dependent branch: the borrow of
//     points[mid] - x is 1 exactly when points[mid] < x and becomes a mask.
//     Go compiles the plain "if points[mid] < x { base = mid }" inside a
//     loop to a jump, which mispredicts half the time (3x slower at 1,600
//     points, measured here).
//
// Rejected: sort.Search (a closure call per probe and the same mispredicted
// branch); an Eytzinger layout (faster search, but the index already leaves
// one to four steps in one or two cache lines, and insertion order would be
// lost).

import "math/bits"

// circleMaxIndexBits caps the index at 2^14 arcs (step 2).
const circleMaxIndexBits = 14

// point is a position on the circle and the node that owns it: 8 bytes.
type point struct {
	value uint32
	owner int32
}

// circle is steps 1 and 2; the zero value is an empty circle.
type circle struct {
	points []point
	index  []int32
	shift  uint // x >> shift is x's top b bits
}

// set replaces the points, which must be sorted by value, and rebuilds the
// index.
func (c *circle) set(points []point) {
	c.points = points
	b := min(max(0, bits.Len(uint(len(points)))-2), circleMaxIndexBits)
	c.shift = uint(32 - b)
	c.index = make([]int32, 1<<b+1)
	i := 0
	for p := range c.index {
		for i < len(points) && uint64(points[i].value>>c.shift) < uint64(p) {
			i++
		}
		c.index[p] = int32(i)
	}
}

// owner returns the owner of x's successor; the circle must not be empty.
func (c *circle) owner(x uint32) int32 { return c.points[c.successor(x)].owner }

// successor returns the index of the first point >= x, wrapping to 0 past
// the top; the circle must not be empty.
func (c *circle) successor(x uint32) int {
	p := x >> c.shift
	lo, hi := c.index[p], c.index[p+1]
	i := lowerBound(c.points, x, int(lo), int(hi-lo))
	if i == len(c.points) {
		i = 0
	}
	return i
}

// lowerBound returns the first i in [base, base+n] with a[i] >= x, or base+n
// if none is, given that the answer lies in that range (step 3). The loop
// halves the range while keeping the answer inside it.
func lowerBound(a []point, x uint32, base, n int) int {
	for n > 1 {
		half := n >> 1
		_, less := bits.Sub64(uint64(a[base+half].value), uint64(x), 0)
		base += half & -int(less)
		n -= half
	}
	// n is now 0 or 1; which is random, so decide without a branch: read
	// a clamped slot (valid even when n == 0 at the end) and count it only
	// when n == 1.
	k := min(base, len(a)-1)
	_, less := bits.Sub64(uint64(a[k].value), uint64(x), 0)
	base += int(less) & n
	return base
}
