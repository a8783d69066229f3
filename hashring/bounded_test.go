package hashring

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// boundedLimit is the paper's bound on any load with m keys over n nodes.
func boundedLimit(eps float64, m, n int) int {
	return int(math.Ceil((1 + eps) * float64(m) / float64(n)))
}

// TestBoundedLoadBound: while 100k keys are acquired, no load ever exceeds
// ceil((1+eps) x average), for N = 10, 100 and eps = 0.1, 0.25, 1.
func TestBoundedLoadBound(t *testing.T) {
	keys := tbKeys(100_000)
	for _, n := range []int{10, 100} {
		for _, eps := range []float64{0.1, 0.25, 1.0} {
			b, err := NewBounded(tbNodes(n), Options{Epsilon: eps})
			if err != nil {
				t.Fatal(err)
			}
			loads, peak := map[string]int{}, 0
			for m, k := range keys {
				name, err := b.Acquire(k)
				if err != nil {
					t.Fatal(err)
				}
				loads[name]++
				peak = max(peak, loads[name])
				if limit := boundedLimit(eps, m+1, n); peak > limit {
					t.Fatalf("N=%d eps=%v: after %d keys a node holds %d > bound %d", n, eps, m+1, peak, limit)
				}
			}
			if got := b.Loads(); fmt.Sprint(got) != fmt.Sprint(loads) {
				t.Fatalf("N=%d eps=%v: Loads() = %v, counted %v", n, eps, got, loads)
			}
			t.Logf("N=%d eps=%.2f: peak-to-mean %.3f (bound %.3f)", n, eps,
				float64(peak)*float64(n)/float64(len(keys)), float64(boundedLimit(eps, len(keys), n))*float64(n)/float64(len(keys)))
		}
	}
}

// boundedRingOwner is the plain consistent-hashing ring of Karger et al.
// built independently: the node whose point hash2(name, i) is nearest
// clockwise at or after the key's hash.
func boundedRingOwner(nodes []Node, vnodes int, key string) string {
	h := hashKey(key)
	var owner string
	var best uint64
	for _, nd := range nodes {
		for i := 0; i < vnodes; i++ {
			if d := hash2(nd.Name, uint64(i)) - h; owner == "" || d < best || d == best && nd.Name < owner {
				owner, best = nd.Name, d
			}
		}
	}
	return owner
}

// TestBoundedIsRing: with nothing acquired, Lookup is the plain ring; with a
// very large eps the bound never binds and Acquire is the plain ring too.
func TestBoundedIsRing(t *testing.T) {
	nodes := tbNodes(10)
	b, err := NewBounded(nodes, Options{VirtualNodes: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range tbKeys(2000) {
		if got, want := tbLookup(t, b, k), boundedRingOwner(nodes, 20, k); got != want {
			t.Fatalf("Lookup(%q) = %q, the ring says %q", k, got, want)
		}
	}
	ring, err := NewBounded(tbNodes(100), Options{})
	if err != nil {
		t.Fatal(err)
	}
	loose, err := NewBounded(tbNodes(100), Options{Epsilon: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range tbKeys(100_000) {
		got, err := loose.Acquire(k)
		if err != nil {
			t.Fatal(err)
		}
		if want := tbLookup(t, ring, k); got != want {
			t.Fatalf("eps=1e9: Acquire(%q) = %q, the ring says %q", k, got, want)
		}
	}
}

func tbLookup(t *testing.T, h Hasher, key string) string {
	t.Helper()
	o, err := h.Lookup(key)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestBoundedAcquireRelease: Lookup predicts Acquire and changes nothing; the
// same key acquired twice counts twice; Release errors.
func TestBoundedAcquireRelease(t *testing.T) {
	b, err := NewBounded(tbNodes(3), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		want := tbLookup(t, b, "same")
		if again := tbLookup(t, b, "same"); again != want {
			t.Fatalf("Lookup changed its answer without an Acquire: %q then %q", want, again)
		}
		if got, _ := b.Acquire("same"); got != want {
			t.Fatalf("Acquire = %q, Lookup predicted %q", got, want)
		}
	}
	total := 0
	for _, l := range b.Loads() {
		total += l
	}
	if total != 50 {
		t.Fatalf("50 acquires of one key sum to %d", total)
	}
	// 50 keys over 3 nodes at eps 0.25: ceil(1.25 x 50/3) = 21 at most each.
	for name, l := range b.Loads() {
		if l > 21 {
			t.Errorf("%s holds %d > 21", name, l)
		}
	}
	tbCheckErr(t, "Release unknown", ErrUnknownNode, b.Release("nope"))
	for name, l := range b.Loads() {
		for ; l > 0; l-- {
			if err := b.Release(name); err != nil {
				t.Fatal(err)
			}
		}
		tbCheckErr(t, "Release at zero", ErrNotAcquired, b.Release(name))
	}
	if _, err := (&Bounded{}).Acquire("k"); !errors.Is(err, ErrEmpty) {
		t.Errorf("Acquire on no nodes: %v, want ErrEmpty", err)
	}
}

// TestBoundedMembership: removing a node forgets its load and re-places
// nothing; an added node starts at zero; the bound holds for every Acquire.
func TestBoundedMembership(t *testing.T) {
	keys := tbKeys(20_000)
	b, err := NewBounded(tbNodes(10), Options{Epsilon: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys[:10_000] {
		if _, err := b.Acquire(k); err != nil {
			t.Fatal(err)
		}
	}
	before := b.Loads()
	if err := b.Remove("node-3"); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(Node{Name: "node-new"}); err != nil {
		t.Fatal(err)
	}
	after := b.Loads()
	for name, l := range after {
		if want := before[name]; l != want {
			t.Errorf("%s: load %d after the change, %d before", name, l, want)
		}
	}
	if _, ok := after["node-3"]; ok {
		t.Error("removed node still has a load")
	}
	tbCheckErr(t, "Release of removed node", ErrUnknownNode, b.Release("node-3"))
	assigned := 10_000 - before["node-3"]
	for _, k := range keys[10_000:] {
		name, err := b.Acquire(k)
		if err != nil {
			t.Fatal(err)
		}
		assigned++
		if l, limit := b.Loads()[name], boundedLimit(0.1, assigned, 10); l > limit {
			t.Fatalf("after %d keys %s holds %d > bound %d", assigned, name, l, limit)
		}
	}
	if b.assigned != assigned {
		t.Fatalf("assigned = %d, want %d", b.assigned, assigned)
	}
}

// TestBoundedOptions: Epsilon must be positive and finite (0 is the default
// 0.25); VirtualNodes must be in range (0 is the default 160).
func TestBoundedOptions(t *testing.T) {
	b, err := NewBounded(tbNodes(2), Options{})
	if err != nil || b.eps != 0.25 || b.vnodes != 160 || len(b.circle.points) != 320 {
		t.Fatalf("defaults: %v, eps %v, vnodes %d, %d points", err, b.eps, b.vnodes, len(b.circle.points))
	}
	for _, opt := range []Options{
		{Epsilon: -0.1}, {Epsilon: math.NaN()}, {Epsilon: math.Inf(1)},
		{VirtualNodes: -1}, {VirtualNodes: boundedMaxVNodes + 1},
	} {
		if err := tbNewErr("bounded", tbNodes(2), opt); !errors.Is(err, ErrBadOption) {
			t.Errorf("%+v: %v, want ErrBadOption", opt, err)
		}
	}
}
