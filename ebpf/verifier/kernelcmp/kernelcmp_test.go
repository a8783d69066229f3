package kernelcmp

import (
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf/verifier"
	"github.com/deepsys/deepsys/ebpf/verifier/progen"
	"github.com/deepsys/deepsys/internal/testenv"
)

func TestClassify(t *testing.T) {
	acc, rej := Verdict{Accepted: true, Insn: -1}, Verdict{Insn: 3}
	for _, c := range []struct {
		ours, linux Verdict
		want        Outcome
		same        bool
	}{
		{acc, acc, Agree, false},
		{rej, rej, Agree, true},
		{rej, Verdict{Insn: 4}, Agree, false},
		{acc, rej, Unsound, false},
		{rej, acc, Imprecise, false},
	} {
		if r := Classify(c.ours, c.linux); r.Outcome != c.want || r.SameInsn != c.same {
			t.Errorf("Classify(%v, %v) = %v same %v, want %v same %v", c.ours, c.linux, r.Outcome, r.SameInsn, c.want, c.same)
		}
	}
}

// TestCompare: generated programs against Linux, none unsound.
func TestCompare(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	var tally Tally
	for i := range 200 {
		p := progen.Generate(rand.New(rand.NewPCG(1, uint64(i))), progen.Options{})
		r, err := Compare(p.Insns, verifier.Options{ProgType: p.ProgType, Maps: p.Maps})
		if err != nil {
			t.Fatal(err)
		}
		tally.Add(r)
		if r.Outcome == Unsound {
			t.Errorf("program %d unsound: Linux %v\n%s", i, r.Linux, p.Src)
		}
	}
	if tally.Agree == 0 || tally.BothReject == 0 || tally.BothReject == tally.Agree {
		t.Errorf("want both verdicts: %v", tally)
	}
	t.Log(tally)
}
