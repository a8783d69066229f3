package hashring

import (
	"errors"
	"slices"
	"testing"
)

// TestAnchorInit checks InitAnchor's state: buckets w..a-1 removed in that
// order, the stack's top w, and A[b] = b for them.
func TestAnchorInit(t *testing.T) {
	h := tbNew(t, "anchor", tbNodes(3), Options{Capacity: 6}).(*anchor)
	if h.a != 6 || h.n != 3 {
		t.Fatalf("a, N = %d, %d; want 6, 3", h.a, h.n)
	}
	if want := []uint32{5, 4, 3}; !slices.Equal(h.R, want) {
		t.Errorf("R = %v, want %v (top last)", h.R, want)
	}
	if want := []uint32{0, 0, 0, 3, 4, 5}; !slices.Equal(h.A, want) {
		t.Errorf("A = %v, want %v", h.A, want)
	}
	anchorCheckInvariants(t, h)
}

// anchorCheckInvariants checks what Algorithms 3-4 maintain: W[0..N-1] is
// the working set and L inverts it there; A[b] = 0 exactly for working
// buckets; R holds the other a-N; the names follow the buckets.
func anchorCheckInvariants(t *testing.T, h *anchor) {
	t.Helper()
	working := make([]bool, h.a)
	for i := uint32(0); i < h.n; i++ {
		b := h.W[i]
		if working[b] {
			t.Fatalf("bucket %d twice in W[0..N)", b)
		}
		working[b] = true
		if h.L[b] != i {
			t.Fatalf("L[W[%d]] = %d", i, h.L[b])
		}
	}
	for b := uint32(0); b < h.a; b++ {
		if working[b] != (h.A[b] == 0) && h.n > 0 {
			t.Fatalf("bucket %d: working %v but A = %d", b, working[b], h.A[b])
		}
		if working[b] != (h.names[b] != "") {
			t.Fatalf("bucket %d: working %v but name %q", b, working[b], h.names[b])
		}
	}
	if int(h.a-h.n) != len(h.R) {
		t.Fatalf("|R| = %d, want a-N = %d", len(h.R), h.a-h.n)
	}
}

// TestAnchorMinimalDisruption: after any sequence of removals and additions,
// a key moves only if its bucket was removed, or onto an added bucket; a
// removal undone by an addition restores the mapping (the paper's
// consistency).
func TestAnchorMinimalDisruption(t *testing.T) {
	keys := tbKeys(5000)
	for _, n := range []int{10, 100} {
		h := tbChurn(t, "anchor", n, 150, Options{}, keys)
		anchorCheckInvariants(t, h.(*anchor))
	}
}

// TestAnchorCapacity: Capacity bounds the nodes; 0 is the default
// max(2 x nodes, 64), which leaves room to add.
func TestAnchorCapacity(t *testing.T) {
	for _, tc := range []struct {
		capacity, nodes int
		want            error
	}{
		{-1, 3, ErrBadOption},
		{2, 3, ErrBadOption},
		{bucketMaxCapacity + 1, 3, ErrBadOption},
		{3, 3, nil},
		{0, 100, nil},
	} {
		if err := tbNewErr("anchor", tbNodes(tc.nodes), Options{Capacity: tc.capacity}); !errors.Is(err, tc.want) {
			t.Errorf("Capacity %d, %d nodes: error %v, want %v", tc.capacity, tc.nodes, err, tc.want)
		}
	}
	if h := tbNew(t, "anchor", tbNodes(100), Options{}).(*anchor); h.a != 200 {
		t.Errorf("default capacity for 100 nodes = %d, want 200", h.a)
	}
	h := tbNew(t, "anchor", tbNodes(3), Options{Capacity: 4})
	if err := h.Add(Node{Name: "x"}); err != nil {
		t.Fatalf("Add within capacity: %v", err)
	}
	err := h.Add(Node{Name: "y"})
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Add beyond capacity: %v, want ErrUnsupported", err)
	}
	t.Logf("beyond capacity: %v", err)
	if err := h.Remove("node-1"); err != nil {
		t.Fatal(err)
	}
	if err := h.Add(Node{Name: "y"}); err != nil {
		t.Fatalf("Add after a removal freed a bucket: %v", err)
	}
}
