// Consistent hashing with bounded loads: Mirrokni, Thorup & Zadimoghaddam,
// "Consistent Hashing with Bounded Loads", SODA 2018 (arXiv:1608.01350).
//
// A plain ring sends a key to the first node clockwise of it, whatever that
// node's load; with skewed keys or few nodes, some nodes get far more than
// the average. The bounded-loads ring gives every node a capacity slightly
// above the average load and passes a key on, clockwise, past the nodes that
// are full. No node then exceeds the bound, and the paper proves that an
// update (a key or a node arriving or leaving) moves O(1/eps^2) keys in
// expectation, where a ring without the bound would move O(1).
// Vimeo and HAProxy use it to balance connections: the "keys" are requests,
// and a load is a count of them, so the same key acquired twice counts twice.
//
//  1. The ring: each node has VirtualNodes points, the top 32 bits of
//     hash2(name, i), i = 0..V-1, kept sorted with their owners (ties broken
//     by name) on an indexed circle (circle.go), as in ring.go; a key's
//     position is the top 32 bits of its hashKey.
//  2. The bound: with m keys assigned over n nodes, placing one more key allows
//     each node c = ceil((1+eps) x (m+1)/n) keys, where (m+1)/n is the average
//     load once the key is placed. Since n x c >= m+1 > m, some node has room.
//  3. Placement: hash the key, find the first point at or after it, and walk
//     clockwise (wrapping) until a point's node holds fewer than c keys.
//  4. Acquire(key) places the key and adds one to that node's load;
//     Release(node) takes one away. Lookup(key) answers where Acquire would
//     place the key now, and changes nothing.
//
// With nothing acquired every capacity is 1 and every load 0, so Lookup is the
// plain ring of step 1: deterministic and minimally disruptive. As eps grows
// the bound stops binding and Acquire degenerates to the plain ring too.
//
// What we do not do: the paper's dynamic version keeps the assignment of every
// key and re-places keys when capacities shrink or nodes join. Here loads are
// counters, as in HAProxy: nothing is re-placed implicitly. Adding a node
// starts it at load 0 and lets it take new keys. Removing a node forgets its
// load: the keys it held are the caller's to Acquire again, and Release of its
// name is ErrUnknownNode. After a Release or Remove the average drops, so a
// node may sit above the current bound until its load drains; every Acquire
// still places its key within the bound in force at that moment.
//
// Options: Epsilon (default 0.25, must be > 0) and VirtualNodes (default 160,
// as for the ring). Unweighted. Lookup allocates nothing.

package hashring

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

func init() {
	register("bounded", func(nodes []Node, opt Options) (Hasher, error) {
		b, err := NewBounded(nodes, opt)
		if err != nil {
			return nil, err // not a typed nil *Bounded inside the interface
		}
		return b, nil
	})
}

// ErrNotAcquired is Bounded.Release on a node whose load is already zero.
var ErrNotAcquired = errors.New("hashring: release without a matching acquire")

// boundedMaxVNodes bounds Options.VirtualNodes for the bounded ring.
const boundedMaxVNodes = 1 << 16

// Bounded is the bounded-loads ring; build it with NewBounded or New. Besides
// the Hasher methods it counts loads: Acquire, Release and Loads. Like every
// Hasher it is not safe for concurrent mutation, and Acquire and Release
// mutate.
type Bounded struct {
	set      *nodeSet
	eps      float64
	vnodes   int
	circle   circle // the ring; a point's owner is its node's slot
	slots    []boundedSlot
	slotOf   map[string]int32
	free     []int32 // slots of removed nodes, for reuse
	assigned int     // the sum of the loads
}

// boundedSlot is one node's name and load; an empty name is a free slot.
type boundedSlot struct {
	name string
	load int
}

// NewBounded builds the bounded-loads ring; New("bounded", ...) returns the
// same thing as a Hasher.
func NewBounded(nodes []Node, opt Options) (*Bounded, error) {
	eps, vnodes := opt.Epsilon, opt.VirtualNodes
	if eps == 0 {
		eps = 0.25
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return nil, fmt.Errorf("%w: bounded: Epsilon %v must be a positive finite number", ErrBadOption, opt.Epsilon)
	}
	if vnodes == 0 {
		vnodes = 160
	}
	if vnodes < 0 || vnodes > boundedMaxVNodes {
		return nil, fmt.Errorf("%w: bounded: VirtualNodes %d is outside 1..%d", ErrBadOption, vnodes, boundedMaxVNodes)
	}
	b := &Bounded{set: &nodeSet{index: map[string]int{}}, eps: eps, vnodes: vnodes, slotOf: map[string]int32{}}
	for _, nd := range nodes {
		if err := b.Add(nd); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// capacity is step 2: the most keys a node may hold once one more is placed.
func (b *Bounded) capacity() int {
	c := math.Ceil((1 + b.eps) * float64(b.assigned+1) / float64(len(b.set.list)))
	if c >= math.MaxInt {
		return math.MaxInt
	}
	return int(c)
}

// place is step 3: the slot a key with hash h goes to. Precondition: the
// ring is not empty.
func (b *Bounded) place(h uint32) int32 {
	limit, points := b.capacity(), b.circle.points
	i := b.circle.successor(h)
	for range points {
		if s := points[i].owner; b.slots[s].load < limit {
			return s
		}
		if i++; i == len(points) {
			i = 0
		}
	}
	panic("BUG: bounded: every node is at capacity, which the bound rules out")
}

func (b *Bounded) Algorithm() string { return "bounded" }

// Lookup returns the node Acquire(key) would place key on now, without
// placing it.
func (b *Bounded) Lookup(key string) (string, error) {
	if len(b.circle.points) == 0 {
		return "", ErrEmpty
	}
	return b.slots[b.place(uint32(hashKey(key)>>32))].name, nil
}

// Acquire places key on the first node clockwise with room and counts it
// there. Every call counts, even for a key acquired before.
func (b *Bounded) Acquire(key string) (string, error) {
	if len(b.circle.points) == 0 {
		return "", ErrEmpty
	}
	s := b.place(uint32(hashKey(key) >> 32))
	b.slots[s].load++
	b.assigned++
	return b.slots[s].name, nil
}

// Release takes one key off the named node: ErrUnknownNode if it is not a
// member, ErrNotAcquired if its load is already zero.
func (b *Bounded) Release(name string) error {
	s, ok := b.slotOf[name]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownNode, name)
	}
	if b.slots[s].load == 0 {
		return fmt.Errorf("%w: node %q holds no keys", ErrNotAcquired, name)
	}
	b.slots[s].load--
	b.assigned--
	return nil
}

// Loads returns every member's current load.
func (b *Bounded) Loads() map[string]int {
	loads := make(map[string]int, len(b.slotOf))
	for name, s := range b.slotOf {
		loads[name] = b.slots[s].load
	}
	return loads
}

// Add puts node's points on the ring with load 0. Nothing already placed moves.
func (b *Bounded) Add(node Node) error {
	if err := b.set.add(node, false); err != nil {
		return err
	}
	s := b.newSlot(node.Name)
	pts := make([]uint32, b.vnodes)
	for i := range pts {
		pts[i] = uint32(hash2(node.Name, uint64(i)) >> 32)
	}
	slices.Sort(pts)
	b.merge(pts, s)
	return nil
}

// newSlot gives name a slot, reusing a free one.
func (b *Bounded) newSlot(name string) int32 {
	var s int32
	if n := len(b.free); n > 0 {
		s, b.free = b.free[n-1], b.free[:n-1]
	} else {
		s = int32(len(b.slots))
		b.slots = append(b.slots, boundedSlot{})
	}
	b.slots[s] = boundedSlot{name: name}
	b.slotOf[name] = s
	return s
}

// before orders ring points by position, then by owner name.
func (b *Bounded) before(p uint32, s int32, q uint32, t int32) bool {
	return p < q || p == q && b.slots[s].name < b.slots[t].name
}

// merge adds the sorted points pts, all owned by slot s, to the ring.
func (b *Bounded) merge(pts []uint32, s int32) {
	old := b.circle.points
	points := make([]point, 0, len(old)+len(pts))
	i := 0
	for _, p := range old {
		for ; i < len(pts) && b.before(pts[i], s, p.value, p.owner); i++ {
			points = append(points, point{pts[i], s})
		}
		points = append(points, p)
	}
	for ; i < len(pts); i++ {
		points = append(points, point{pts[i], s})
	}
	b.circle.set(points)
}

// Remove takes the named node's points off the ring and forgets its load
// (see the file comment). Nothing else moves.
func (b *Bounded) Remove(name string) error {
	if _, err := b.set.remove(name); err != nil {
		return err
	}
	s := b.slotOf[name]
	b.assigned -= b.slots[s].load
	b.slots[s] = boundedSlot{}
	delete(b.slotOf, name)
	b.free = append(b.free, s)
	var points []point
	for _, p := range b.circle.points {
		if p.owner != s {
			points = append(points, p)
		}
	}
	b.circle.set(points)
	return nil
}

func (b *Bounded) Nodes() []Node { return b.set.nodes() }
