package hashring

import (
	"errors"
	"math/rand/v2"
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
	if len(r.c.points) != 80+1 {
		t.Errorf("weights 0.5 and 1e-9 at 160 vnodes: %d points, want 81 (a node keeps at least one)", len(r.c.points))
	}
}

// TestCircleSuccessor compares the indexed search with sort.Search on
// circles of 0 to 3,000 points, with duplicates, and on the edges.
func TestCircleSuccessor(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 100, 1600, 3000} {
		points := make([]uint32, n)
		for i := range points {
			points[i] = rng.Uint32()
			if i > 0 && i%5 == 0 {
				points[i] = points[i-1] // duplicates
			}
		}
		slices.Sort(points)
		pts := make([]point, n)
		for i, v := range points {
			pts[i] = point{v, int32(i)}
		}
		var c circle
		c.set(pts)
		probes := append([]uint32{0, 1, points[0], points[n-1], points[n-1] + 1, ^uint32(0)}, points...)
		for range 2000 {
			probes = append(probes, rng.Uint32())
		}
		for _, x := range probes {
			want := sort.Search(n, func(i int) bool { return points[i] >= x })
			if want == n {
				want = 0
			}
			if got := c.owner(x); got != int32(want) {
				t.Fatalf("%d points: successor of %#x = %d, want %d", n, x, got, want)
			}
		}
	}
	if !slices.IsSortedFunc(mustNew(t, "ring", testNodes(20)).(*ring).c.points, comparePoints) {
		t.Error("ring points not sorted")
	}
}
