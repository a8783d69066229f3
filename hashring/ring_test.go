package hashring

import (
	"errors"
	"slices"
	"sort"
	"testing"
)

func TestRingOptions(t *testing.T) {
	for _, v := range []int{-1, maxRingPoints + 1} {
		if _, err := New("ring", testNodes(2), Options{VirtualNodes: v}); !errors.Is(err, ErrBadOption) {
			t.Errorf("VirtualNodes %d: err = %v, want ErrBadOption", v, err)
		}
	}
	if _, err := New("ring", []Node{{Name: "huge", Weight: 1e12}}, Options{}); !errors.Is(err, ErrBadWeight) {
		t.Errorf("weight 1e12: err = %v, want ErrBadWeight", err)
	}
	r := mustNew(t, "ring", []Node{{Name: "a", Weight: 0.5}, {Name: "b", Weight: 1e-9}}).(*ring)
	if len(r.points) != 80+1 {
		t.Errorf("weights 0.5 and 1e-9 at 160 vnodes: %d points, want 81 (a node keeps at least one)", len(r.points))
	}
}

// TestSuccessor compares the branch-free search with sort.Search.
func TestSuccessor(t *testing.T) {
	for _, a := range [][]uint64{{5}, {1, 3}, {1, 3, 3, 3, 9}, {0, 2, 4, 6, 8, 10, 12}} {
		for x := uint64(0); x <= 13; x++ {
			want := sort.Search(len(a), func(i int) bool { return a[i] >= x })
			if want == len(a) {
				want = 0
			}
			if got := successor(a, x); got != want {
				t.Errorf("successor(%v, %d) = %d, want %d", a, x, got, want)
			}
		}
	}
	if !slices.IsSorted(mustNew(t, "ring", testNodes(20)).(*ring).points) {
		t.Error("ring points not sorted")
	}
}
