package hashring

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"testing"
)

// TestMultiProbeBruteForce: Lookup is the owner of the point nearest
// clockwise after any of the key's probes, checked by trying every point.
func TestMultiProbeBruteForce(t *testing.T) {
	h := tbNew(t, "multiprobe", tbNodes(50), Options{Probes: 5}).(*multiProbe)
	for _, k := range tbKeys(3000) {
		var want string
		var best uint64
		for i := 1; i <= 5; i++ {
			p := mixHalf(hashKey(k) + uint64(i)*splitmixGamma)
			for _, nd := range h.Nodes() {
				if d := hashKey(nd.Name) - p; want == "" || d < best {
					want, best = nd.Name, d
				}
			}
		}
		if got, _ := h.Lookup(k); got != want {
			t.Fatalf("Lookup(%q) = %q, brute force says %q", k, got, want)
		}
	}
}

// multiProbeShares computes each point's exact share of the key space when
// a key takes the nearest of k independent uniform probes. Gaps (the arc
// ending at each point) sorted ascending, v_1 <= ... <= v_n, on a circle of
// length 1: a probe's distance exceeds x with probability
// S(x) = sum over v_i > x of (v_i - x), linear between consecutive v's; the
// point with gap v_s wins with probability k x integral from 0 to v_s of
// S(x)^(k-1) dx, a sum of closed-form pieces.
func multiProbeShares(points []uint64, k int) []float64 {
	n := len(points)
	type gap struct {
		v float64
		i int
	}
	gaps := make([]gap, n)
	for i := range points {
		g := points[i] - points[(i+n-1)%n]
		gaps[i] = gap{float64(g) / (1 << 64), i}
		if n == 1 {
			gaps[i].v = 1
		}
	}
	slices.SortFunc(gaps, func(a, b gap) int { return cmp.Compare(a.v, b.v) })
	tail := 0.0 // sum of v_t .. v_n
	for _, g := range gaps {
		tail += g.v
	}
	shares, acc, prev := make([]float64, n), 0.0, 0.0
	for t, g := range gaps {
		m := float64(n - t)
		acc += (math.Pow(tail-m*prev, float64(k)) - math.Pow(tail-m*g.v, float64(k))) / m
		shares[g.i] = acc
		tail -= g.v
		prev = g.v
	}
	return shares
}

// TestMultiProbeBalance: the exact peak-to-mean at 21 probes for N = 100 is
// near the paper's 1.05, against the ln N-sized imbalance of one probe; and
// sampled lookups follow the exact shares within sampling noise.
func TestMultiProbeBalance(t *testing.T) {
	nodes := tbNodes(100)
	h := tbNew(t, "multiprobe", nodes, Options{}).(*multiProbe)
	values := h.values[:len(h.names)] // turned, which changes no gap
	shares := multiProbeShares(values, 21)
	peak := slices.Max(shares) * 100
	t.Logf("N=100 exact peak-to-mean: %.3f at 21 probes, %.3f at 1 probe (min-to-mean %.3f at 21)",
		peak, slices.Max(multiProbeShares(values, 1))*100, slices.Min(shares)*100)
	if peak > 1.10 {
		t.Errorf("exact peak-to-mean %.3f at 21 probes, want <= 1.10", peak)
	}
	if p1 := slices.Max(multiProbeShares(values, 1)) * 100; p1 < 2 {
		t.Errorf("peak-to-mean %.3f at 1 probe; a one-point ring should be far worse", p1)
	}
	keys := tbKeys(200_000)
	count := map[string]int{}
	for _, o := range tbOwners(t, h, keys) {
		count[o]++
	}
	for i, name := range h.names {
		want := shares[i] * float64(len(keys))
		if sigma := math.Sqrt(want); math.Abs(float64(count[name])-want) > 5*sigma+1 {
			t.Errorf("%s: %d keys, exact share says %.0f ± %.0f", name, count[name], want, sigma)
		}
	}
}

// TestMultiProbeMinimalDisruption: adding a node only takes keys onto it;
// removing one only moves its keys; re-adding restores the mapping.
func TestMultiProbeMinimalDisruption(t *testing.T) {
	keys := tbKeys(20_000)
	h := tbNew(t, "multiprobe", tbNodes(30), Options{})
	before := tbOwners(t, h, keys)
	if err := h.Add(Node{Name: "new"}); err != nil {
		t.Fatal(err)
	}
	tbCheckAdded(t, keys, before, tbOwners(t, h, keys), "new")
	if err := h.Remove("new"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tbOwners(t, h, keys), before) {
		t.Fatal("add + remove did not restore the mapping")
	}
	if err := h.Remove("node-7"); err != nil {
		t.Fatal(err)
	}
	tbCheckRemoved(t, keys, before, tbOwners(t, h, keys), "node-7")
}

// TestMultiProbeOptions: Probes 0 is the default 21; negative or huge is
// ErrBadOption.
func TestMultiProbeOptions(t *testing.T) {
	if h := tbNew(t, "multiprobe", tbNodes(3), Options{}).(*multiProbe); h.probes != 21 {
		t.Errorf("default probes %d, want 21", h.probes)
	}
	for _, p := range []int{-1, multiProbeMax + 1} {
		if err := tbNewErr("multiprobe", tbNodes(3), Options{Probes: p}); !errors.Is(err, ErrBadOption) {
			t.Errorf("Probes %d: %v, want ErrBadOption", p, err)
		}
	}
}
