package hashring

import (
	"errors"
	"math/bits"
	"slices"
	"testing"
)

func TestMaglevTableSize(t *testing.T) {
	for _, tc := range []struct {
		size, nodes int
		want        error
	}{
		{65537, 10, nil},
		{1009, 10, nil},            // prime, >= 100 x 10
		{1000, 10, ErrBadOption},   // not prime
		{997, 10, ErrBadOption},    // prime, < 100 x 10
		{-5, 1, ErrBadOption},      // negative
		{1 << 40, 1, ErrBadOption}, // too large to allocate
		{maglevMinTable, 656, ErrBadOption},
	} {
		_, err := New("maglev", testNodes(tc.nodes), Options{TableSize: tc.size})
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("TableSize %d, %d nodes: err = %v, want %v", tc.size, tc.nodes, err, tc.want)
		}
	}
}

// TestMaglevGrowth: the default table grows (doubling) when nodes outgrow
// it; a TableSize the caller chose refuses the Add instead.
func TestMaglevGrowth(t *testing.T) {
	h := mustNew(t, "maglev", testNodes(655))
	g := h.(*maglev)
	if g.m != maglevMinTable {
		t.Fatalf("655 nodes: M = %d, want %d", g.m, maglevMinTable)
	}
	if err := h.Add(Node{Name: "one-more"}); err != nil {
		t.Fatal(err)
	}
	if g.m < 200*656 || !isPrime(g.m) {
		t.Errorf("656 nodes: M = %d, want a prime >= %d", g.m, 200*656)
	}
	fixed, err := New("maglev", testNodes(10), Options{TableSize: 1009})
	if err != nil {
		t.Fatal(err)
	}
	if err := fixed.Add(Node{Name: "eleventh"}); !errors.Is(err, ErrBadOption) {
		t.Errorf("Add beyond a fixed TableSize: err = %v, want ErrBadOption", err)
	}
	if len(fixed.Nodes()) != 10 {
		t.Errorf("refused Add changed the members: %d", len(fixed.Nodes()))
	}
}

// TestMaglevSlotCounts: with equal weights every node holds floor(M/n) or
// ceil(M/n) slots (§3.4); with weights, slots follow them.
func TestMaglevSlotCounts(t *testing.T) {
	g := mustNew(t, "maglev", testNodes(7)).(*maglev)
	counts := make([]int, 7)
	for i := range int(g.m) {
		counts[g.owner(i)]++
	}
	lo := int(g.m) / 7
	for i, c := range counts {
		if c != lo && c != lo+1 {
			t.Errorf("node %d holds %d slots, want %d or %d", i, c, lo, lo+1)
		}
	}
	w, err := New("maglev", []Node{{Name: "a", Weight: 1}, {Name: "b", Weight: 3}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	counts = make([]int, 2)
	for i := range int(w.(*maglev).m) {
		counts[w.(*maglev).owner(i)]++
	}
	if d := counts[1] - 3*counts[0]; d < -4 || d > 4 {
		t.Errorf("weights 1:3 hold %d:%d slots", counts[0], counts[1])
	}
}

func TestIsPrime(t *testing.T) {
	var got []uint64
	for m := uint64(0); m < 30; m++ {
		if isPrime(m) {
			got = append(got, m)
		}
	}
	want := []uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}
	if !slices.Equal(got, want) {
		t.Fatalf("primes below 30: %v", got)
	}
	if !isPrime(65537) || isPrime(65535) || !isPrime(100003) {
		t.Error("isPrime wrong near 65537 or 100003")
	}
}

// TestMaglevWideTable: beyond 65536 nodes a slot's owner does not fit in 16
// bits and the table stays int32; lookups still find every node's keys.
func TestMaglevWideTable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a table of 6.5M slots")
	}
	g := mustNew(t, "maglev", testNodes(1<<16+1)).(*maglev)
	if g.small != nil || len(g.table) != int(g.m) {
		t.Fatalf("%d nodes: small table %d slots, wide %d", len(g.set.list), len(g.small), len(g.table))
	}
	if got, err := g.Lookup("key:1"); err != nil || got != g.set.names[g.owner(int(hiSlot(hashKey("key:1"), g.m)))] {
		t.Fatalf("Lookup = %q, %v", got, err)
	}
	if g.owner(0) < 0 || g.owner(int(g.m)-1) < 0 {
		t.Fatal("a slot left unfilled")
	}
}

func hiSlot(h, m uint64) uint64 { hi, _ := bits.Mul64(h, m); return hi }
