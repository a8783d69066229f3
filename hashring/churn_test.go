package hashring

// Benchmarks of the algorithms in multiprobe.go, bounded.go, anchor.go, dx.go
// and memento.go, the test helpers their *_test.go files share (named tb*),
// and the random-operation test every algorithm runs.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// tbAlgorithms are the algorithms this file set implements.
var tbAlgorithms = []string{"multiprobe", "bounded", "anchor", "dx", "memento"}

func BenchmarkLookupB(b *testing.B) {
	keys := tbKeys(1 << 16)
	for _, algo := range tbAlgorithms {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/N=%d", algo, n), func(b *testing.B) {
				h, err := New(algo, tbNodes(n), Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := h.Lookup(keys[i&(len(keys)-1)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// tbNodes returns n unweighted nodes named node-0 .. node-(n-1).
func tbNodes(n int) []Node {
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i] = Node{Name: fmt.Sprintf("node-%d", i)}
	}
	return nodes
}

var tbKeyCache struct {
	sync.Mutex
	keys []string
}

// tbKeys returns n distinct keys, the same ones on every call.
func tbKeys(n int) []string {
	tbKeyCache.Lock()
	defer tbKeyCache.Unlock()
	for i := len(tbKeyCache.keys); i < n; i++ {
		tbKeyCache.keys = append(tbKeyCache.keys, fmt.Sprintf("key:%d", i))
	}
	return tbKeyCache.keys[:n]
}

// tbNew builds algo or fails the test.
func tbNew(t testing.TB, algo string, nodes []Node, opt Options) Hasher {
	t.Helper()
	h, err := New(algo, nodes, opt)
	if err != nil {
		t.Fatalf("New(%q, %d nodes, %+v): %v", algo, len(nodes), opt, err)
	}
	return h
}

// tbOwners looks every key up.
func tbOwners(t testing.TB, h Hasher, keys []string) []string {
	t.Helper()
	owners := make([]string, len(keys))
	for i, k := range keys {
		o, err := h.Lookup(k)
		if err != nil {
			t.Fatalf("%s: Lookup(%q): %v", h.Algorithm(), k, err)
		}
		owners[i] = o
	}
	return owners
}

// tbPeakToMean is the largest node's share of keys over the mean share, for
// a mapping onto the given members (members with no key count as 0).
func tbPeakToMean(owners []string, members []Node) float64 {
	count := map[string]int{}
	for _, o := range owners {
		count[o]++
	}
	peak := 0
	for _, m := range members {
		peak = max(peak, count[m.Name])
	}
	return float64(peak) * float64(len(members)) / float64(len(owners))
}

// tbCheckRemoved checks minimal disruption across the removal of gone: only
// gone's keys moved.
func tbCheckRemoved(t testing.TB, keys, before, after []string, gone string) {
	t.Helper()
	for i := range keys {
		if after[i] == gone {
			t.Fatalf("key %q still on removed node %q", keys[i], gone)
		}
		if after[i] != before[i] && before[i] != gone {
			t.Fatalf("removing %q moved key %q from %q to %q", gone, keys[i], before[i], after[i])
		}
	}
}

// tbCheckAdded checks minimal disruption across the addition of added: keys
// moved only onto it.
func tbCheckAdded(t testing.TB, keys, before, after []string, added string) {
	t.Helper()
	for i := range keys {
		if after[i] != before[i] && after[i] != added {
			t.Fatalf("adding %q moved key %q from %q to %q", added, keys[i], before[i], after[i])
		}
	}
}

// tbChurn runs a random sequence of removals and additions on algo, checking
// after every step that only the keys of a removed node moved, or keys moved
// onto an added node, and that a removal followed at once by an addition
// restores the mapping exactly (the removal models of AnchorHash, DxHash and
// MementoHash reuse the last removed bucket). It returns the final hasher.
func tbChurn(t *testing.T, algo string, n, steps int, opt Options, keys []string) Hasher {
	t.Helper()
	h := tbNew(t, algo, tbNodes(n), opt)
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	owners, fresh := tbOwners(t, h, keys), n
	for step := 0; step < steps; step++ {
		members := h.Nodes()
		if len(members) > 1 && (len(members) == n+n/2 || rng.IntN(2) == 0) {
			gone := members[rng.IntN(len(members))].Name
			if err := h.Remove(gone); err != nil {
				t.Fatalf("step %d: Remove(%q): %v", step, gone, err)
			}
			after := tbOwners(t, h, keys)
			tbCheckRemoved(t, keys, owners, after, gone)
			if rng.IntN(4) == 0 { // re-add at once under a new name: exact restore
				name := fmt.Sprintf("node-%d", fresh)
				fresh++
				if err := h.Add(Node{Name: name}); err != nil {
					t.Fatalf("step %d: Add(%q): %v", step, name, err)
				}
				after = tbOwners(t, h, keys)
				for i := range keys {
					if want := tbRename(owners[i], gone, name); after[i] != want {
						t.Fatalf("step %d: remove %q + add %q: key %q on %q, want %q", step, gone, name, keys[i], after[i], want)
					}
				}
			}
			owners = after
			continue
		}
		name := fmt.Sprintf("node-%d", fresh)
		fresh++
		if err := h.Add(Node{Name: name}); err != nil {
			t.Fatalf("step %d: Add(%q): %v", step, name, err)
		}
		after := tbOwners(t, h, keys)
		tbCheckAdded(t, keys, owners, after, name)
		owners = after
	}
	return h
}

func tbRename(owner, from, to string) string {
	if owner == from {
		return to
	}
	return owner
}

// TestUnweightedRejectWeights: an algorithm without weights refuses a
// weight other than 1 instead of silently ignoring it.
func TestUnweightedRejectWeights(t *testing.T) {
	for _, algo := range append([]string{"jump"}, tbAlgorithms...) {
		tbCheckErr(t, algo+" weight 2", ErrUnsupported, tbNewErr(algo, []Node{{Name: "a", Weight: 2}}, Options{}))
		h := tbNew(t, algo, tbNodes(2), Options{})
		tbCheckErr(t, algo+" Add weight 3", ErrUnsupported, h.Add(Node{Name: "b", Weight: 3}))
	}
}

// TestRandomOperations applies a random sequence of valid and invalid
// operations to every algorithm and compares the membership with a model:
// no panic, no member lost or invented, Lookup always answers a member.
func TestRandomOperations(t *testing.T) {
	for _, algo := range Algorithms() {
		t.Run(algo, func(t *testing.T) { tbRandomOps(t, algo) })
	}
}

func tbNewErr(algo string, nodes []Node, opt Options) error {
	_, err := New(algo, nodes, opt)
	return err
}

func tbCheckErr(t *testing.T, what string, want, got error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Errorf("%s: got error %v, want %v", what, got, want)
	}
}

// tbRandomOps applies random Adds (some invalid), Removes (some unknown) and
// Lookups, comparing the membership with a model; a panic fails the test.
func tbRandomOps(t *testing.T, algo string) {
	h := tbNew(t, algo, tbNodes(3), Options{Capacity: 8})
	model := []string{"node-0", "node-1", "node-2"}
	rng := rand.New(rand.NewPCG(7, 7))
	for step := 0; step < 2000; step++ {
		name := fmt.Sprintf("n%d", rng.IntN(12))
		switch rng.IntN(3) {
		case 0:
			err := h.Add(Node{Name: name, Weight: []float64{0, 1, 2, -1}[rng.IntN(4)]})
			if err == nil {
				model = append(model, name)
			}
		case 1:
			if h.Remove(name) == nil {
				model = slices.DeleteFunc(model, func(s string) bool { return s == name })
			}
		}
		got, err := h.Lookup(name)
		if len(model) == 0 {
			tbCheckErr(t, "Lookup on no nodes", ErrEmpty, err)
		} else if err != nil || !slices.Contains(model, got) {
			t.Fatalf("step %d: Lookup = %q, %v; members %v", step, got, err, model)
		}
		var names []string
		for _, nd := range h.Nodes() {
			names = append(names, nd.Name)
		}
		if !slices.Equal(names, model) {
			t.Fatalf("step %d: Nodes() = %v, model %v", step, names, model)
		}
	}
}

// TestZeroAllocLookupB checks that Lookup allocates nothing.
func TestZeroAllocLookupB(t *testing.T) {
	keys := tbKeys(256)
	for _, algo := range tbAlgorithms {
		h := tbNew(t, algo, tbNodes(100), Options{})
		for _, gone := range []string{"node-3", "node-50"} { // exercise the removed-bucket paths
			if err := h.Remove(gone); err != nil {
				t.Fatal(err)
			}
		}
		i := 0
		allocs := testing.AllocsPerRun(1000, func() {
			_, _ = h.Lookup(keys[i%len(keys)])
			i++
		})
		if allocs != 0 {
			t.Errorf("%s: Lookup allocates %v times per call", algo, allocs)
		}
	}
}

// TestBalanceAfterRemovals: the stateful bucket hashes spread keys evenly
// over the working buckets after a third of them were removed at places
// other than the end (the balance each paper proves). 200k keys over about
// 67 nodes is about 3,000 a node, so sampling noise alone keeps the peak
// near 1.06.
func TestBalanceAfterRemovals(t *testing.T) {
	keys := tbKeys(200_000)
	for first, algo := range []string{"anchor", "memento", "dx"} {
		h := tbNew(t, algo, tbNodes(100), Options{})
		for i := first; i < 100; i += 3 {
			if err := h.Remove(fmt.Sprintf("node-%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		p := tbPeakToMean(tbOwners(t, h, keys), h.Nodes())
		t.Logf("%s: peak-to-mean %.3f over %d nodes", algo, p, len(h.Nodes()))
		if p > 1.12 {
			t.Errorf("%s: peak-to-mean %.3f, want <= 1.12", algo, p)
		}
	}
}
