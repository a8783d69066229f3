package hashbench

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/bench"
)

// TestQuickWorkloadsRun builds every family against its peers and runs one
// measured pass: every contestant answers every key, and each workload has
// deepsys first and at least one peer. (No timing is asserted.)
func TestQuickWorkloadsRun(t *testing.T) {
	ws, err := Workloads(Quick)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2*len(families) {
		t.Fatalf("%d workloads for %d families at one size", len(ws), len(families))
	}
	r, err := bench.Run("hashring", ws, bench.Options{Rounds: bench.MinRounds})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range r.Results() {
		if res.Peer == "" || res.Deepsys <= 0 || res.PeerValue <= 0 {
			t.Errorf("%s vs %q: %v / %v", res.Workload, res.Peer, res.Deepsys, res.PeerValue)
		}
		if strings.Contains(res.Workload, "balance") && (res.Deepsys < 1 || res.PeerValue < 1) {
			t.Errorf("%s: peak-to-mean below 1 (%v, %v)", res.Workload, res.Deepsys, res.PeerValue)
		}
	}
}

func TestPeersAgreeOnMembership(t *testing.T) {
	names := []string{"a", "b", "c"}
	for _, p := range []peer{peerJump, peerRendezvous, peerMaglev, peerStathat, peerSerialx, peerBuraksezer, peerLafikl, peerLafiklBounded} {
		l, err := p.build(names)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		for _, k := range []string{"x", "y", "key:1"} {
			if got := l(k); got != "a" && got != "b" && got != "c" {
				t.Errorf("%s: %q -> %q, not a member", p.name, k, got)
			}
		}
	}
}

func TestBadConfig(t *testing.T) {
	if _, err := Workloads(Config{Keys: 1000}); err == nil {
		t.Fatal("Keys 1000 (not a power of two) accepted")
	}
}

func TestMaglevSizeIsPrime(t *testing.T) {
	for _, n := range []int{1, 10, 1000, 5000} {
		m := maglevSize(n)
		if !isPrime(m) || m < uint64(100*n) || m < 65537 {
			t.Errorf("maglevSize(%d) = %d", n, m)
		}
	}
}
