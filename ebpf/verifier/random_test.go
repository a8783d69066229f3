package verifier

// Random programs of package progen, each verified by us, by Linux when
// the machine allows, and, when we accept, run in the checking
// interpreter on random packets.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/deepsys/deepsys/ebpf/verifier/progen"
	"github.com/deepsys/deepsys/internal/testenv"
)

// randomSeed is 42, or DEEPSYS_VERIFIER_SEED.
func randomSeed() uint64 {
	if n, err := strconv.ParseUint(os.Getenv("DEEPSYS_VERIFIER_SEED"), 10, 64); err == nil {
		return n
	}
	return 42
}

// randomCount is how many random programs each test makes.
func randomCount() int {
	if n, err := strconv.Atoi(os.Getenv("DEEPSYS_VERIFIER_RANDOM")); err == nil && n > 0 {
		return n // e.g. DEEPSYS_VERIFIER_RANDOM=100000 for a long hunt
	}
	if testing.Short() {
		return 300
	}
	return 10000
}

// TestRandomSoundness: every random program we accept runs without a
// fault.
func TestRandomSoundness(t *testing.T) {
	rng := rand.New(rand.NewPCG(randomSeed(), 7))
	accepted, n := 0, randomCount()
	for i := range n {
		prog := progen.Generate(rng, progen.Options{})
		typ, src, insns := prog.ProgType, prog.Src, prog.Insns
		if _, err := Verify(insns, Options{ProgType: typ, Maps: ruleMaps}); err != nil {
			continue
		}
		accepted++
		name := fmt.Sprintf("random %d (%v):\n%s", i, typ, src)
		p, kind := loadWithRandomMaps(t, name, typ, insns, rng)
		runRandom(t, name, p, kind, 0, rng)
		p.Close()
	}
	t.Logf("%d random programs, %d accepted and run %d times each without a fault", n, accepted, runs)
}

// TestKernelRandom: the random programs verified by us and by Linux.
func TestKernelRandom(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	rng := rand.New(rand.NewPCG(randomSeed(), 7))
	var tally diffTally
	ours, kernel, same := 0, 0, 0
	for i := range randomCount() {
		prog := progen.Generate(rng, progen.Options{})
		v, k := compareWithKernel(t, fmt.Sprintf("random %d (%v):\n%s", i, prog.ProgType, prog.Src), prog.Insns, Options{ProgType: prog.ProgType, Maps: ruleMaps}, &tally)
		if v.accepted && k.accepted {
			ours, kernel = ours+v.processed, kernel+k.processed
			if v.processed == k.processed {
				same++
			}
		}
	}
	t.Log(tally.String())
	t.Logf("accepted by both: instructions processed, ours %d, kernel %d; the same count for %d programs", ours, kernel, same)
}
