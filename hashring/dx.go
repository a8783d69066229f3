// DxHash: Dong & Wang, "DxHash: A Scalable Consistent Hash Based on the
// Pseudo-Random Sequence", arXiv:2107.07930, 2021 (v2 with Feng, 2023).
//
// DxHash keeps a status per bucket, the node-status array (NSArray): bucket b
// is active when a node sits on it. Its size is a power of two at least the
// cluster's capacity, so a random number becomes a bucket with a mask. A key
// seeds a pseudo-random generator; the key belongs to the first active bucket
// in the sequence the generator produces:
//
//  1. Lookup: seed the generator with the key's hash; draw buckets
//     r_1, r_2, ... in [0, size); return the first active one. With a of the
//     size buckets active, that takes size/a draws on average (about 2 at the
//     default capacity of twice the nodes).
//  2. Remove(b): mark b inactive and push it on the stack of inactive buckets.
//     Only keys whose first active bucket was b move, each to the next active
//     bucket of its own sequence: a fresh, uniformly random one.
//  3. Add(): activate the most recently removed bucket, or, when none was
//     removed, the lowest bucket never used. Only keys whose sequence
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
// structure can reach. We keep their bound (rounded up to whole words, see
// below) and, instead of failing, fall back to scanning the NSArray from the
// last drawn bucket upwards (wrapping) for the next active bucket. The
// fallback depends only on the active set too, so it keeps minimal
// disruption; it is one bytes.IndexByte over the NSArray.
//
// Our choices: the generator is SplitMix64 (Steele, Lea & Flood 2014) seeded
// with hashKey(key): word w is mix64(seed + w x splitmixGamma), w = 1, 2, ....
// A word is cut into fields of 8 bits (size <= 256), 16 (size <= 65536) or
// 32, from the lowest up, and the low log2(size) bits of each field are a
// draw: 8, 4 or 2 draws a word. The draws of a word do not depend on each
// other, so Lookup tests all of them at once (dxHash.probe: fixed shifts,
// independent loads, no branch) and takes the first active one. The NSArray
// keeps a byte per bucket, not a bit, so a test is one load, without a shift
// by the bucket number (less than the 16 bytes a bucket of names). Measured
// at 10 nodes (64 buckets, 6.4 draws a key on average) in the side-by-side
// benchmark, where jump hash takes ~44 ns: a mix64 and a branch per draw,
// the paper's loop, ~70 ns; 10 draws of 6 bits a word tested in a loop,
// ~44-55 ns (variable shifts, which x86-64 does only through CL); 8 fields
// of 8 bits, unrolled, ~38 ns. At 100 and 1000 nodes: 46 -> 31 and 45 -> 30
// ns (jump hash 60 and 75).
// Capacity is Options.Capacity (default max(2 x nodes, 64)) rounded up to a
// power of two; Add beyond it is ErrUnsupported. Lookup allocates nothing.

package hashring

import (
	"bytes"
	"fmt"
	"math/bits"
)

func init() { register("dx", newDx) }

// dxHash is DxHash over named nodes: names[b] is the node on bucket b.
type dxHash struct {
	set      *nodeSet
	size     uint32   // buckets, a power of two
	field    uint     // bits a field of a word: 8, 16 or 32
	words    uint64   // words drawn before the fallback: ceil(4 x size / draws a word)
	active   []byte   // the NSArray, 1 for an active bucket
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
	field := uint(32)
	switch {
	case size <= 1<<8:
		field = 8
	case size <= 1<<16:
		field = 16
	}
	perWord := uint64(64 / field)
	d := &dxHash{
		set:      set,
		size:     size,
		field:    field,
		words:    (4*uint64(size) + perWord - 1) / perWord,
		active:   make([]byte, size),
		names:    make([]string, size),
		bucketOf: make(map[string]uint32, len(set.list)),
	}
	for _, nd := range set.list {
		d.place(nd.Name, d.unused)
		d.unused++
	}
	return d, nil
}

// place puts the named node on bucket b and marks b active.
func (d *dxHash) place(name string, b uint32) {
	d.active[b] = 1
	d.names[b] = name
	d.bucketOf[name] = b
}

// probe draws the key's sequence, a word at a time, and returns the first
// active bucket in it; or, when none of the words holds one, false and the
// last bucket drawn. It tests the draws of a word all at once.
func (d *dxHash) probe(seed uint64) (uint32, bool) {
	a, m := d.active, uint64(d.size-1)
	var x uint64
	for w := uint64(1); w <= d.words; w++ {
		x = mix64(seed + w*splitmixGamma)
		var hits uint64 // bit j is set when the j-th draw of x is active
		switch d.field {
		case 8:
			hits = uint64(a[x&m]) | uint64(a[x>>8&m])<<1 | uint64(a[x>>16&m])<<2 | uint64(a[x>>24&m])<<3 |
				uint64(a[x>>32&m])<<4 | uint64(a[x>>40&m])<<5 | uint64(a[x>>48&m])<<6 | uint64(a[x>>56&m])<<7
		case 16:
			hits = uint64(a[x&m]) | uint64(a[x>>16&m])<<1 | uint64(a[x>>32&m])<<2 | uint64(a[x>>48&m])<<3
		default:
			hits = uint64(a[x&m]) | uint64(a[x>>32&m])<<1
		}
		if hits != 0 {
			return d.draw(x, bits.TrailingZeros64(hits)), true
		}
	}
	return d.draw(x, int(64/d.field-1)), false
}

// draw is the j-th bucket drawn from word x.
func (d *dxHash) draw(x uint64, j int) uint32 {
	return uint32(x>>(uint(j)*d.field&63)) & (d.size - 1)
}

// scanFrom is the fallback: the first active bucket at or after b, wrapping.
func (d *dxHash) scanFrom(b uint32) uint32 {
	if i := bytes.IndexByte(d.active[b:], 1); i >= 0 {
		return b + uint32(i)
	}
	if i := bytes.IndexByte(d.active[:b], 1); i >= 0 {
		return uint32(i)
	}
	panic("BUG: dx: scan found no active bucket although the node set is not empty")
}

func (d *dxHash) Algorithm() string { return "dx" }

// Lookup is step 1 of the file comment: probe, then the fallback. The names
// are read before the probe so that only the load of the answer follows the
// probe's last, unpredictable, branch (as in jump.Lookup).
func (d *dxHash) Lookup(key string) (string, error) {
	h, names := hashKey(key), d.names
	if len(d.bucketOf) == 0 {
		return "", ErrEmpty
	}
	b, ok := d.probe(h)
	if !ok {
		b = d.scanFrom(b)
	}
	return names[b], nil
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
	d.active[b] = 0
	d.inactive = append(d.inactive, b)
	return nil
}

func (d *dxHash) Nodes() []Node { return d.set.nodes() }
