// DxHash: Dong & Wang, "DxHash: A Scalable Consistent Hash Based on the
// Pseudo-Random Sequence", arXiv:2107.07930, 2021 (v2 with Feng, 2023).
//
// DxHash keeps one bit per bucket, the node-status array (NSArray): bucket b
// is active when a node sits on it. Its size is a power of two at least the
// cluster's capacity, so a random number becomes a bucket with a shift. A key
// seeds a pseudo-random generator; the key belongs to the first active bucket
// in the sequence the generator produces:
//
//  1. Lookup: seed the generator with the key's hash; draw buckets
//     r_1, r_2, ... in [0, size); return the first active one. With a of the
//     size buckets active, that takes size/a draws on average (about 2 at the
//     default capacity of twice the nodes).
//  2. Remove(b): clear b's bit and push b on the stack of inactive buckets.
//     Only keys whose first active bucket was b move, each to the next active
//     bucket of its own sequence: a fresh, uniformly random one.
//  3. Add(): set the bit of the most recently removed bucket, or, when none
//     was removed, of the lowest bucket never used. Only keys whose sequence
//     reaches the new bucket before their old one move, all onto it. So a
//     remove followed by an add gives back the original mapping exactly.
//
// Each key's sequence is fixed, so the owner of a key depends only on which
// buckets are active: balance is uniform over active buckets and disruption
// is minimal, for arbitrary additions and removals within the capacity.
//
// Bounded probes, and our fallback: the authors' code gives up after
// 4 x size draws (returning "no node"); with a active buckets that happens
// with probability (1-a/size)^(4 size) < e^(-4a), which only a nearly empty
// structure can reach. We keep their bound and, instead of failing, fall back
// to scanning the NSArray from the last drawn bucket upwards (wrapping) for
// the next active bucket. The fallback depends only on the active set too, so
// it keeps minimal disruption; it costs at most size/64 word tests.
//
// Our choices: the generator is SplitMix64 (Steele, Lea & Flood 2014) seeded
// with hashKey(key): draw i is mix64(seed + i x splitmixGamma), taken from
// its top bits. Capacity is Options.Capacity (default max(2 x nodes, 64))
// rounded up to a power of two; Add beyond it is ErrUnsupported. Lookup
// allocates nothing.

package hashring

import (
	"fmt"
	"math/bits"
)

func init() { register("dx", newDx) }

// dxHash is DxHash over named nodes: names[b] is the node on bucket b.
type dxHash struct {
	set      *nodeSet
	size     uint32   // NSArray length, a power of two
	shift    uint     // 64 - log2(size): a draw's top bits index the NSArray
	active   []uint64 // the NSArray, one bit a bucket
	inactive []uint32 // removed buckets, most recent at the end
	unused   uint32   // lowest bucket never used; all above it are unused too
	names    []string
	bucketOf map[string]uint32
}

func newDx(nodes []Node, opt Options) (Hasher, error) {
	set, err := newNodeSet(nodes, false)
	if err != nil {
		return nil, err
	}
	c, err := bucketCapacity("dx", opt, len(set.list))
	if err != nil {
		return nil, err
	}
	size := uint32(1) << bits.Len32(uint32(c)-1) // smallest power of two >= c
	d := &dxHash{
		set:      set,
		size:     size,
		shift:    uint(64 - bits.TrailingZeros32(size)),
		active:   make([]uint64, (size+63)/64),
		names:    make([]string, size),
		bucketOf: make(map[string]uint32, len(set.list)),
	}
	for _, nd := range set.list {
		d.place(nd.Name, d.unused)
		d.unused++
	}
	return d, nil
}

// isActive reports the NSArray bit of bucket b.
func (d *dxHash) isActive(b uint32) bool { return d.active[b/64]&(1<<(b%64)) != 0 }

// place puts the named node on bucket b and marks b active.
func (d *dxHash) place(name string, b uint32) {
	d.active[b/64] |= 1 << (b % 64)
	d.names[b] = name
	d.bucketOf[name] = b
}

// getBucket is step 1 of the file comment, given the key's hash.
// Precondition: at least one bucket is active.
func (d *dxHash) getBucket(seed uint64) uint32 {
	var b uint32
	for i := uint64(1); i <= 4*uint64(d.size); i++ {
		b = uint32(mix64(seed+i*splitmixGamma) >> d.shift)
		if d.isActive(b) {
			return b
		}
	}
	return d.scanFrom(b)
}

// scanFrom is the fallback: the first active bucket at or after b, wrapping.
func (d *dxHash) scanFrom(b uint32) uint32 {
	w := b / 64
	word := d.active[w] &^ (1<<(b%64) - 1) // bits at or above b
	for range len(d.active) + 1 {
		if word != 0 {
			return w*64 + uint32(bits.TrailingZeros64(word))
		}
		w = (w + 1) % uint32(len(d.active))
		word = d.active[w]
	}
	panic("BUG: dx: scan found no active bucket although the node set is not empty")
}

func (d *dxHash) Algorithm() string { return "dx" }

func (d *dxHash) Lookup(key string) (string, error) {
	if len(d.bucketOf) == 0 {
		return "", ErrEmpty
	}
	return d.names[d.getBucket(hashKey(key))], nil
}

// Add activates the most recently removed bucket, else the lowest unused one;
// ErrUnsupported when all size buckets are active.
func (d *dxHash) Add(node Node) error {
	if err := d.set.add(node, false); err != nil {
		return err
	}
	switch {
	case len(d.inactive) > 0:
		b := d.inactive[len(d.inactive)-1]
		d.inactive = d.inactive[:len(d.inactive)-1]
		d.place(node.Name, b)
	case d.unused < d.size:
		d.place(node.Name, d.unused)
		d.unused++
	default:
		_, _ = d.set.remove(node.Name)
		return fmt.Errorf("%w: dx: adding %q: all %d buckets of its NSArray are in use "+
			"(build it with a larger Options.Capacity)", ErrUnsupported, node.Name, d.size)
	}
	return nil
}

// Remove takes any node out; only the keys on its bucket move.
func (d *dxHash) Remove(name string) error {
	if _, err := d.set.remove(name); err != nil {
		return err
	}
	b := d.bucketOf[name]
	delete(d.bucketOf, name)
	d.names[b] = ""
	d.active[b/64] &^= 1 << (b % 64)
	d.inactive = append(d.inactive, b)
	return nil
}

func (d *dxHash) Nodes() []Node { return d.set.nodes() }
