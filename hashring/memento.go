// MementoHash: Coluzzi, Brocco, Antonucci & Leidi, "MementoHash: A Stateful,
// Minimal Memory, Best Performing Consistent Hash Algorithm", IEEE/ACM
// Transactions on Networking, 2024 (arXiv:2306.09783).
//
// Jump hash (Lamping & Veach 2014) maps keys onto buckets 0..n-1 with no
// state at all, but can only drop the last bucket. MementoHash keeps jump
// hash over the "b-array" 0..n-1 and remembers only the buckets removed from
// the middle of it, in the replacement set (the memento): removed bucket b ->
// (replacer, prevRemoved). replacer is the size of the working set just after
// b left; it is also the bucket that takes b's place, because a working set
// of w buckets is treated as the dense range 0..w-1. prevRemoved chains the
// removals so they can be undone in reverse order. The algorithm's memory is
// proportional to the removed buckets only (here, as everywhere, plus the
// table from buckets to node names), and there is no capacity to fix.
//
//  1. Lookup: b = jump(k, n). While b is in the memento with replacer r:
//     re-hash into the smaller working set, b = h(k, b) mod r; while that b
//     left before the one we came from (its replacer >= r), step to its
//     replacer, b = replacer(b); then continue with b's own replacer, if any.
//     A bucket absent from the memento is the answer.
//  2. Remove(b): if the memento is empty and b = n-1, this is jump hash's own
//     removal: n = n-1 and lastRemoved = n. Otherwise record
//     b -> (replacer = working size after removal, prevRemoved = lastRemoved)
//     and set lastRemoved = b.
//  3. Add(): b = lastRemoved. If the memento is empty, lastRemoved = b+1;
//     otherwise delete b's entry and lastRemoved = its prevRemoved. Then
//     n = max(n, b+1). So additions restore removed buckets in the reverse
//     order of their removal, and a remove followed by an add gives back the
//     original mapping exactly.
//
// A key moves only when its bucket is removed, or onto an added bucket
// (minimal disruption), and keys spread evenly over the working buckets; the
// paper proves both. Our choices: the key hash is hashKey and jump hash
// (jump.go's jumpHash) is fed it directly; h(k, b) is rehashBucket (mix64
// of the key hash and a bucket constant, anchor.go) reduced by a
// multiply-shift; the memento is a Go map, which Lookup does not touch while
// it is empty. Lookup allocates nothing. (An integer jump loop of its own,
// as in the paper's Figure 1, made MementoHash 10-20% slower than go-jump at
// 10 to 1000 nodes; on jumpHash it is 3-20% faster, measured.)

package hashring

func init() { register("memento", newMemento) }

// mementoEntry is the memento's record of one removed bucket.
type mementoEntry struct {
	replacer    uint32 // working-set size after the removal, and b's stand-in
	prevRemoved uint32 // the bucket removed before this one
}

// memento is MementoHash over named nodes: names[b] is the node on bucket b.
type memento struct {
	set         *nodeSet
	n           uint32 // size of the b-array: jump hash's bucket count
	lastRemoved uint32
	removed     map[uint32]mementoEntry
	names       []string
	bucketOf    map[string]uint32
}

func newMemento(nodes []Node, _ Options) (Hasher, error) {
	set, err := newNodeSet(nodes, false)
	if err != nil {
		return nil, err
	}
	n := uint32(len(set.list))
	m := &memento{set: set, n: n, lastRemoved: n, removed: map[uint32]mementoEntry{},
		bucketOf: make(map[string]uint32, n)}
	for b, nd := range set.list {
		m.names = append(m.names, nd.Name)
		m.bucketOf[nd.Name] = uint32(b)
	}
	return m, nil
}

// size is the number of working buckets.
func (m *memento) size() uint32 { return m.n - uint32(len(m.removed)) }

// replace is the rest of step 1 of the file comment: from jump hash's
// bucket b for the key hash k, it follows the memento to a working bucket.
func (m *memento) replace(k uint64, b uint32) uint32 {
	e, gone := m.removed[b]
	for gone {
		r := e.replacer
		b = lemireReduce(rehashBucket(k, b), r)
		e, gone = m.removed[b]
		for gone && e.replacer >= r {
			b = e.replacer
			e, gone = m.removed[b]
		}
	}
	return b
}

// removeBucket is step 2 of the file comment.
func (m *memento) removeBucket(b uint32) {
	if len(m.removed) == 0 && b == m.n-1 {
		m.n = b
		m.lastRemoved = b
		m.names = m.names[:b]
		return
	}
	m.removed[b] = mementoEntry{replacer: m.size() - 1, prevRemoved: m.lastRemoved}
	m.lastRemoved = b
}

// addBucket is step 3 of the file comment.
func (m *memento) addBucket() uint32 {
	b := m.lastRemoved
	if len(m.removed) == 0 {
		m.lastRemoved = b + 1
	} else {
		m.lastRemoved = m.removed[b].prevRemoved
		delete(m.removed, b)
	}
	if b >= m.n {
		m.n = b + 1
		m.names = append(m.names, "")
	}
	return b
}

func (m *memento) Algorithm() string { return "memento" }

// Lookup is step 1 of the file comment. While the memento is empty every
// bucket below n works, and Lookup is jump.Lookup after one test of the
// map's length; otherwise lookupRemoved follows the memento.
func (m *memento) Lookup(key string) (string, error) {
	h, names := hashKey(key), m.names
	if len(m.removed) != 0 {
		return m.lookupRemoved(h)
	}
	if len(names) == 0 {
		return "", ErrEmpty
	}
	return names[jumpHash(h, len(names))], nil
}

// lookupRemoved is Lookup, for the key hash h, when the memento is not empty.
func (m *memento) lookupRemoved(h uint64) (string, error) {
	if m.size() == 0 {
		return "", ErrEmpty
	}
	return m.names[m.replace(h, uint32(jumpHash(h, int(m.n))))], nil
}

// Add places node on the most recently removed bucket, or on a new bucket n
// when none is removed.
func (m *memento) Add(node Node) error {
	if err := m.set.add(node, false); err != nil {
		return err
	}
	b := m.addBucket()
	m.names[b] = node.Name
	m.bucketOf[node.Name] = b
	return nil
}

// Remove takes any node out; only the keys on its bucket move.
func (m *memento) Remove(name string) error {
	if _, err := m.set.remove(name); err != nil {
		return err
	}
	b := m.bucketOf[name]
	delete(m.bucketOf, name)
	m.names[b] = ""
	m.removeBucket(b)
	return nil
}

func (m *memento) Nodes() []Node { return m.set.nodes() }
