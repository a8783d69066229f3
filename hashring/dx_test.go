package hashring

import (
	"errors"
	"fmt"
	"testing"
)

// TestDxCapacity: the NSArray is the requested capacity rounded up to a power
// of two; Add beyond it is ErrUnsupported, and a removal makes room again.
func TestDxCapacity(t *testing.T) {
	for _, tc := range []struct {
		capacity, nodes int
		size            uint32
		want            error
	}{
		{-5, 3, 0, ErrBadOption},
		{2, 3, 0, ErrBadOption},
		{bucketMaxCapacity + 1, 3, 0, ErrBadOption},
		{1, 1, 1, nil},
		{3, 3, 4, nil},
		{100, 3, 128, nil},
		{0, 3, 64, nil},
		{0, 1000, 2048, nil},
	} {
		h, err := New("dx", tbNodes(tc.nodes), Options{Capacity: tc.capacity})
		if !errors.Is(err, tc.want) {
			t.Errorf("Capacity %d, %d nodes: error %v, want %v", tc.capacity, tc.nodes, err, tc.want)
			continue
		}
		if err == nil && h.(*dxHash).size != tc.size {
			t.Errorf("Capacity %d, %d nodes: NSArray of %d, want %d", tc.capacity, tc.nodes, h.(*dxHash).size, tc.size)
		}
	}
	h := tbNew(t, "dx", tbNodes(3), Options{Capacity: 3})
	if err := h.Add(Node{Name: "x"}); err != nil {
		t.Fatalf("Add within the rounded-up capacity: %v", err)
	}
	if err := h.Add(Node{Name: "y"}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Add beyond capacity: %v, want ErrUnsupported", err)
	}
	if err := h.Remove("node-0"); err != nil {
		t.Fatal(err)
	}
	if err := h.Add(Node{Name: "y"}); err != nil {
		t.Fatalf("Add after a removal: %v", err)
	}
}

// TestDxMinimalDisruption: random removals and additions, checked step by
// step, at the default capacity and at a sparse one (more probes a key).
func TestDxMinimalDisruption(t *testing.T) {
	keys := tbKeys(5000)
	tbChurn(t, "dx", 10, 150, Options{}, keys)
	tbChurn(t, "dx", 100, 150, Options{}, keys)
	tbChurn(t, "dx", 10, 100, Options{Capacity: 1024}, keys)
}

// TestDxFallback checks the scan that follows 4 x size failed draws: it finds
// the next active bucket at or after the last draw, wrapping, and lookups on
// a nearly empty NSArray (where the scan does run) still return members and
// move keys minimally.
func TestDxFallback(t *testing.T) {
	d := tbNew(t, "dx", nil, Options{Capacity: 256}).(*dxHash)
	for _, b := range []uint32{5, 130} {
		d.place(fmt.Sprintf("b%d", b), b)
	}
	for _, tc := range []struct{ from, want uint32 }{{0, 5}, {5, 5}, {6, 130}, {64, 130}, {130, 130}, {131, 5}, {255, 5}} {
		if got := d.scanFrom(tc.from); got != tc.want {
			t.Errorf("scanFrom(%d) = %d, want %d", tc.from, got, tc.want)
		}
	}
	// One node in 1024 buckets: a key falls back with probability e^-4.
	keys := tbKeys(3000)
	h := tbNew(t, "dx", tbNodes(1), Options{Capacity: 1024})
	for _, o := range tbOwners(t, h, keys) {
		if o != "node-0" {
			t.Fatalf("Lookup = %q with node-0 the only member", o)
		}
	}
	fallbacks := 0
	for _, k := range keys {
		if dxFallsBack(h.(*dxHash), hashKey(k)) {
			fallbacks++
		}
	}
	t.Logf("%d of %d keys took the fallback", fallbacks, len(keys))
	if fallbacks == 0 {
		t.Fatal("no key took the fallback, so this test does not test it")
	}
	before := tbOwners(t, h, keys)
	if err := h.Add(Node{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	tbCheckAdded(t, keys, before, tbOwners(t, h, keys), "x")
}

// dxFallsBack reports whether all the draws before the fallback miss.
func dxFallsBack(d *dxHash, seed uint64) bool {
	_, ok := d.probe(seed)
	return !ok
}
