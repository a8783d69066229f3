package progen

import (
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/verifier"
)

// TestGenerate: the same seed gives the same program, --type is kept, map
// references stay within Maps, and our verifier both accepts and rejects.
func TestGenerate(t *testing.T) {
	accepted, types := 0, map[loader.ProgType]int{}
	const n = 500
	for i := range n {
		p := Generate(rand.New(rand.NewPCG(5, uint64(i))), Options{})
		q := Generate(rand.New(rand.NewPCG(5, uint64(i))), Options{})
		if p.Src != q.Src || len(p.Insns) != len(q.Insns) {
			t.Fatalf("program %d differs between two generators with the same seed", i)
		}
		types[p.ProgType]++
		for _, ins := range p.Insns {
			if ins.IsLDDW() && ins.Src != 0 && int(uint32(ins.Imm64)) >= len(p.Maps) {
				t.Fatalf("program %d references map %d of %d", i, uint32(ins.Imm64), len(p.Maps))
			}
		}
		if _, err := verifier.Verify(p.Insns, verifier.Options{ProgType: p.ProgType, Maps: p.Maps}); err == nil {
			accepted++
		}
	}
	if accepted == 0 || accepted == n || types[loader.XDP] == 0 || types[loader.SchedCLS] == 0 {
		t.Errorf("%d of %d accepted, types %v: want both verdicts and both types", accepted, n, types)
	}
	if p := Generate(rand.New(rand.NewPCG(1, 1)), Options{Type: loader.SchedCLS}); p.ProgType != loader.SchedCLS {
		t.Errorf("Options.Type: got %v", p.ProgType)
	}
}
