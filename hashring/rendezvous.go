package hashring

// rendezvous.go: highest random weight (rendezvous) hashing.
//
// Thaler & Ravishankar, "Using Name-Based Mappings to Increase Hit Rates",
// IEEE/ACM Transactions on Networking 6(1), 1998. Every node scores every
// key with a hash of the pair; the key belongs to the highest score. Removing
// a node hands each of its keys to that key's runner-up, adding one takes
// exactly the keys it now wins: minimal disruption with no ring at all, at
// the price of an O(n) lookup.
//
// Weights by the logarithmic method (Schindelhauer & Schomaker, "Weighted
// Distributed Hash Tables", SPAA 2005; the form Ceph's straw2 uses):
//
//  1. Each node gets a seed, hashKey(name), computed once when it is added.
//  2. Lookup hashes the key once: k = hashKey(key).
//  3. Node i draws u_i = (top 53 bits of pairHash(k, seed_i) + 0.5) / 2^53,
//     a uniform number in (0, 1), never 0 or 1.
//  4. Its score is -w_i / ln(u_i). Then -ln(u_i)/w_i is exponential with
//     rate w_i and the smallest of independent exponentials is node i with
//     probability w_i / sum(w): the highest score wins in proportion to
//     weight, and a change of one node's weight moves keys only to or from
//     that node.
//  5. With equal weights the score grows with u_i, so the raw 64-bit hashes
//     are compared instead and no logarithm is taken.
//  6. Ties (probability about 2^-53) go to the node added first.
//
// A lookup is n pair hashes and compares, so their instruction count is its
// cost: pairHash is mix64 without its last xor-shift, which stirs only the
// low 33 bits, below what decides a comparison. That made a lookup 12-15%
// faster at 100 and 1000 nodes (measured, one process, interleaved); scoring
// four nodes a step, with conditional moves or with one branch a step, did
// not beat the plain loop, whose branch is taken about ln n times.
//
// Rejected: hashing the string key+name per node (n string hashes per lookup
// instead of one plus n multiplies), and the classic "hash x weight" score,
// which does not give shares proportional to weight.

import "math"

func init() { register("rendezvous", newRendezvous) }

type rendezvous struct {
	set     *nodeSet
	seeds   []uint64  // seeds[i] = hashKey(set.list[i].Name), step 1
	weights []float64 // weights[i] = set.list[i].Weight
	equal   bool      // all weights equal: step 5
}

func newRendezvous(nodes []Node, _ Options) (Hasher, error) {
	set, err := newNodeSet(nodes, true)
	if err != nil {
		return nil, err
	}
	r := &rendezvous{set: set}
	r.index()
	return r, nil
}

func (r *rendezvous) Algorithm() string { return "rendezvous" }
func (r *rendezvous) Nodes() []Node     { return r.set.nodes() }

func (r *rendezvous) Add(n Node) error {
	if err := r.set.add(n, true); err != nil {
		return err
	}
	r.index()
	return nil
}

func (r *rendezvous) Remove(name string) error {
	if _, err := r.set.remove(name); err != nil {
		return err
	}
	r.index()
	return nil
}

// index recomputes the seeds and weights from the node list: O(n) string
// hashes per membership change, none per lookup.
func (r *rendezvous) index() {
	list := r.set.list
	r.seeds, r.weights, r.equal = make([]uint64, len(list)), make([]float64, len(list)), true
	for i, n := range list {
		r.seeds[i], r.weights[i] = hashKey(n.Name), n.Weight
		r.equal = r.equal && n.Weight == list[0].Weight
	}
}

func (r *rendezvous) Lookup(key string) (string, error) {
	if len(r.seeds) == 0 {
		return "", ErrEmpty
	}
	k := hashKey(key)
	if r.equal {
		return r.set.names[r.highestHash(k)], nil
	}
	return r.set.names[r.highestScore(k)], nil
}

// pairHash is the hash of the pair (key, node) from their hashes: mix64
// (SplitMix64's finalizer) of k ^ seed without the last xor-shift.
func pairHash(k, seed uint64) uint64 {
	x := k ^ seed
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	return x * 0x94d049bb133111eb
}

// highestHash is step 5.
func (r *rendezvous) highestHash(k uint64) int {
	best, bestHash := 0, pairHash(k, r.seeds[0])
	for i, s := range r.seeds[1:] {
		if h := pairHash(k, s); h > bestHash {
			best, bestHash = i+1, h
		}
	}
	return best
}

// highestScore is steps 3, 4 and 6.
func (r *rendezvous) highestScore(k uint64) int {
	best, bestScore := -1, math.Inf(-1)
	for i, s := range r.seeds {
		u := (float64(pairHash(k, s)>>11) + 0.5) * 0x1p-53
		if score := -r.weights[i] / math.Log(u); score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}
