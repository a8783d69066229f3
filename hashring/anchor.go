// AnchorHash: Mendelson, Vargaftik, Barabash, Lorenz, Keslassy & Orda,
// "AnchorHash: A Scalable Consistent Hash", IEEE/ACM Transactions on
// Networking 29(2), 2021 (arXiv:2001.09436).
//
// AnchorHash fixes a capacity a up front: the anchor is the set of buckets
// 0..a-1, of which N are working. Each removed bucket b remembers the size of
// the working set just after it was removed, A[b] = |W_b|. Because buckets
// leave in a known order, W_b (the buckets still working right after b left)
// can be rebuilt on the fly from four arrays of a integers, which is what makes
// a lookup a short walk of re-hashes rather than a table scan:
//
//   - A[b]: 0 if b works, else |W_b|.
//   - W: the working buckets are W[0..N-1]; a removal swaps the last one into
//     the hole, so W[0..A[b]-1] was W_b when b left.
//   - L[b]: b's position in W when it last worked.
//   - K[b]: the bucket that took b's position in W when b left.
//   - R: the stack of removed buckets; an addition restores the top one.
//
// The four operations follow the paper's Algorithms 1-4:
//
//  1. InitAnchor(a, w): A[b] = 0 and K[b] = L[b] = W[b] = b for every b; then
//     buckets a-1 down to w are removed in that order: pushed on R with
//     A[b] = b. So N = w and the stack's top is w.
//  2. GetBucket(k): b = hash(k) mod a. While b is removed (A[b] > 0): draw
//     h = h_b(k) mod A[b], a position of W_b; while h left no later than b
//     (A[h] >= A[b]) it is not in W_b, so follow its replacement, h = K[h];
//     then b = h. A working b is the answer.
//  3. RemoveBucket(b): push b on R; N = N-1; A[b] = N; W[L[b]] = W[N] and
//     L[W[N]] = L[b] (the last working bucket fills b's hole); K[b] = W[N].
//  4. AddBucket(): b = pop R; A[b] = 0; L[W[N]] = N (the bucket that filled
//     b's hole goes back); W[L[b]] = K[b] = b; N = N+1.
//
// Removal is arbitrary; additions restore buckets in the reverse order of
// their removal, so a remove followed by an add gives back the original
// mapping exactly (under the new node's name). A key moves only when its
// bucket is removed, or onto an added bucket, and every working bucket
// receives an equal share of the keys; the paper proves both.
//
// Our choices, which the paper leaves open: hash(k) is hashKey, reduced to
// [0, n) by a multiply-shift (Lemire 2019) instead of a division; h_b(k) is
// mix64 of the key hash XOR a constant derived from b, so a step costs a few
// multiplications and nothing is allocated. Capacity beyond which Add fails
// with ErrUnsupported is Options.Capacity (default max(2 x nodes, 64)).

package hashring

import (
	"fmt"
	"math/bits"
)

func init() { register("anchor", newAnchor) }

// bucketMaxCapacity bounds Options.Capacity so that a mistaken huge value is an
// error instead of an out-of-memory crash (AnchorHash keeps 16 bytes a bucket).
const bucketMaxCapacity = 1 << 22

// splitmixGamma is 2^64 / phi, SplitMix64's increment: consecutive multiples
// are far apart, so mix64 of them behaves as independent draws.
const splitmixGamma uint64 = 0x9e3779b97f4a7c15

// lemireReduce maps a uniform 64-bit hash onto [0, n) with one multiplication
// (Lemire, "Fast Random Integer Generation in an Interval", 2019).
func lemireReduce(h uint64, n uint32) uint32 {
	hi, _ := bits.Mul64(h, uint64(n))
	return uint32(hi)
}

// rehashBucket is h_b(k): a fresh hash of the key for bucket b. (mixHalf
// made lookups at 10 nodes about 10% faster, and balance was the same in
// expectation: peak-to-mean over 20 key sets 1.053 against 1.051, chi2/df
// over 4M keys 0.31 against 0.39; but on the benchmark's one key set it
// read 1.07 where go-jump reads 1.05, and the issue compares that figure.
// AnchorHash was already faster than go-jump there, so mix64 stays.)
func rehashBucket(keyHash uint64, b uint32) uint64 {
	return mix64(keyHash ^ (uint64(b)+1)*splitmixGamma)
}

// bucketCapacity validates Options.Capacity for the fixed-capacity
// algorithms, filling in the default max(2 x nodes, 64).
func bucketCapacity(algo string, opt Options, nodes int) (int, error) {
	c := opt.Capacity
	switch {
	case c < 0:
		return 0, fmt.Errorf("%w: %s: Capacity %d is negative", ErrBadOption, algo, c)
	case c == 0:
		c = max(2*nodes, 64)
	case c < nodes:
		return 0, fmt.Errorf("%w: %s: Capacity %d is less than the %d initial nodes", ErrBadOption, algo, c, nodes)
	}
	if c > bucketMaxCapacity {
		return 0, fmt.Errorf("%w: %s: Capacity %d is above the limit of %d buckets", ErrBadOption, algo, c, bucketMaxCapacity)
	}
	return c, nil
}

// anchor is AnchorHash over named nodes: names[b] is the node on bucket b.
type anchor struct {
	set        *nodeSet
	a, n       uint32   // capacity, number of working buckets (the paper's N)
	A, W, L, K []uint32 // the paper's arrays, see the file comment
	R          []uint32 // stack of removed buckets, top at the end
	names      []string
	bucketOf   map[string]uint32
}

func newAnchor(nodes []Node, opt Options) (Hasher, error) {
	set, err := newNodeSet(nodes, false)
	if err != nil {
		return nil, err
	}
	c, err := bucketCapacity("anchor", opt, len(set.list))
	if err != nil {
		return nil, err
	}
	h := &anchor{set: set, names: make([]string, c), bucketOf: make(map[string]uint32, c)}
	h.initAnchor(uint32(c), uint32(len(set.list)))
	for b, nd := range set.list {
		h.names[b] = nd.Name
		h.bucketOf[nd.Name] = uint32(b)
	}
	return h, nil
}

// initAnchor is Algorithm 1, InitAnchor(a, w).
func (h *anchor) initAnchor(a, w uint32) {
	h.a, h.n = a, w
	h.A, h.W, h.L, h.K = make([]uint32, a), make([]uint32, a), make([]uint32, a), make([]uint32, a)
	h.R = make([]uint32, 0, a)
	for b := uint32(0); b < a; b++ {
		h.W[b], h.L[b], h.K[b] = b, b, b
	}
	for b := a; b > w; b-- {
		h.R = append(h.R, b-1)
		h.A[b-1] = b - 1
	}
}

// getBucket is Algorithm 2, GetBucket(k), given k's hash. Precondition: n > 0.
func (h *anchor) getBucket(k uint64) uint32 {
	A, K := h.A, h.K
	b := lemireReduce(k, h.a)
	for A[b] > 0 {
		size := A[b] // |W_b|
		c := lemireReduce(rehashBucket(k, b), size)
		for A[c] >= size {
			c = K[c]
		}
		b = c
	}
	return b
}

// removeBucket is Algorithm 3, RemoveBucket(b).
func (h *anchor) removeBucket(b uint32) {
	h.R = append(h.R, b)
	h.n--
	last := h.W[h.n]
	h.A[b] = h.n
	h.W[h.L[b]] = last
	h.L[last] = h.L[b]
	h.K[b] = last
}

// addBucket is Algorithm 4, AddBucket(). Precondition: R is not empty.
func (h *anchor) addBucket() uint32 {
	b := h.R[len(h.R)-1]
	h.R = h.R[:len(h.R)-1]
	h.A[b] = 0
	h.L[h.W[h.n]] = h.n
	h.W[h.L[b]] = b
	h.K[b] = b
	h.n++
	return b
}

func (h *anchor) Algorithm() string { return "anchor" }

// Lookup reads the names before the walk, so that only the load of the
// answer follows the walk's last branch (as in jump.Lookup).
func (h *anchor) Lookup(key string) (string, error) {
	k, names := hashKey(key), h.names
	if h.n == 0 {
		return "", ErrEmpty
	}
	return names[h.getBucket(k)], nil
}

// Add places node on the most recently removed bucket, or ErrUnsupported when
// all a buckets are in use.
func (h *anchor) Add(node Node) error {
	if err := h.set.add(node, false); err != nil {
		return err
	}
	if len(h.R) == 0 {
		_, _ = h.set.remove(node.Name)
		return fmt.Errorf("%w: anchor: adding %q: all %d buckets of its Capacity are in use "+
			"(AnchorHash cannot grow; build it with a larger Options.Capacity)", ErrUnsupported, node.Name, h.a)
	}
	b := h.addBucket()
	h.names[b] = node.Name
	h.bucketOf[node.Name] = b
	return nil
}

// Remove takes any node out; only the keys on its bucket move.
func (h *anchor) Remove(name string) error {
	if _, err := h.set.remove(name); err != nil {
		return err
	}
	b := h.bucketOf[name]
	delete(h.bucketOf, name)
	h.names[b] = ""
	h.removeBucket(b)
	return nil
}

func (h *anchor) Nodes() []Node { return h.set.nodes() }
