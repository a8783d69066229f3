package hashring

import (
	"fmt"
	"slices"
	"testing"
)

// TestMementoJumpVectors checks the jump hash MementoHash runs on (jump.go's
// jumpHash) against values of the reference C++ code of Lamping & Veach (as published in dgryski/go-jump's tests).
func TestMementoJumpVectors(t *testing.T) {
	for _, tc := range []struct {
		key  uint64
		want []uint32 // for n = 1, 2, ...
	}{
		{1, []uint32{0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17}},
		{0xdeadbeef, []uint32{0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16}},
		{0x0ddc0ffeebadf00d, []uint32{0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15}},
	} {
		for i, want := range tc.want {
			if got := uint32(jumpHash(tc.key, i+1)); got != want {
				t.Errorf("jump(%#x, %d) = %d, want %d", tc.key, i+1, got, want)
			}
		}
	}
}

// TestMementoIsJumpWithoutRemovals: with an empty memento, and after
// removing only the last bucket (jump hash's own removal), MementoHash is
// jump hash.
func TestMementoIsJumpWithoutRemovals(t *testing.T) {
	keys := tbKeys(2000)
	h := tbNew(t, "memento", tbNodes(20), Options{}).(*memento)
	if err := h.Remove("node-19"); err != nil {
		t.Fatal(err)
	}
	if h.n != 19 || len(h.removed) != 0 {
		t.Fatalf("removing the last bucket: n = %d, memento %v; want 19 and empty", h.n, h.removed)
	}
	for i, o := range tbOwners(t, h, keys) {
		if want := fmt.Sprintf("node-%d", jumpHash(hashKey(keys[i]), 19)); o != want {
			t.Fatalf("key %q on %q, jump hash says %q", keys[i], o, want)
		}
	}
}

// TestMementoRemoveRestore: removing any one bucket moves only its keys, and
// re-adding restores the original mapping exactly; several removals undone
// in reverse restore it too.
func TestMementoRemoveRestore(t *testing.T) {
	keys := tbKeys(5000)
	nodes := tbNodes(50)
	h := tbNew(t, "memento", nodes, Options{})
	orig := tbOwners(t, h, keys)
	for _, i := range []int{0, 7, 25, 48, 49} {
		gone := nodes[i].Name
		if err := h.Remove(gone); err != nil {
			t.Fatal(err)
		}
		tbCheckRemoved(t, keys, orig, tbOwners(t, h, keys), gone)
		if err := h.Add(Node{Name: gone}); err != nil {
			t.Fatal(err)
		}
		if after := tbOwners(t, h, keys); !slices.Equal(after, orig) {
			t.Fatalf("remove + re-add of %q did not restore the mapping", gone)
		}
	}
	order := []int{10, 3, 49, 30, 0, 31}
	for _, i := range order {
		if err := h.Remove(nodes[i].Name); err != nil {
			t.Fatal(err)
		}
	}
	for j := len(order) - 1; j >= 0; j-- {
		if err := h.Add(nodes[order[j]]); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(tbOwners(t, h, keys), orig) {
		t.Fatal("removals undone in reverse did not restore the mapping")
	}
	if m := h.(*memento); len(m.removed) != 0 || m.n != 50 {
		t.Fatalf("after restoring: n = %d, memento %v", m.n, m.removed)
	}
}

// TestMementoMinimalDisruption: random removals and additions, checked step
// by step.
func TestMementoMinimalDisruption(t *testing.T) {
	keys := tbKeys(5000)
	for _, n := range []int{10, 100} {
		tbChurn(t, "memento", n, 150, Options{}, keys)
	}
}

// TestMementoGrowsWithoutCapacity: MementoHash has no capacity; removing
// everything and adding again works.
func TestMementoGrowsWithoutCapacity(t *testing.T) {
	h := tbNew(t, "memento", tbNodes(2), Options{Capacity: 2})
	for i := 2; i < 300; i++ {
		if err := h.Add(Node{Name: fmt.Sprintf("node-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 300; i++ {
		if err := h.Remove(fmt.Sprintf("node-%d", (i*7)%300)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Add(Node{Name: "again"}); err != nil {
		t.Fatal(err)
	}
	if o, err := h.Lookup("k"); err != nil || o != "again" {
		t.Fatalf("Lookup = %q, %v; want again", o, err)
	}
}
