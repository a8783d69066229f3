package verifier

import (
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestKernelRules verifies every rule program with Linux too.
func TestKernelRules(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	var tally diffTally
	for _, c := range ruleCases {
		opts := c.options()
		opts.LogLevel = 0
		ours, kernel := compareWithKernel(t, c.name, assemble(t, c.src), opts, &tally)
		if ours.accepted == kernel.accepted && !ours.accepted && ours.insn != kernel.insn {
			t.Logf("%s: both reject, we at %d (%s), the kernel at %d (%s)", c.name, ours.insn, ours.reason, kernel.insn, kernel.reason)
		}
		if !ours.accepted && !kernel.accepted && ours.reason != kernel.reason {
			t.Logf("%s: reasons differ: ours %q, kernel %q", c.name, ours.reason, kernel.reason)
		}
	}
	t.Log(tally.String())
}

// TestKernelObjects verifies every ebpf/testdata program with Linux too.
func TestKernelObjects(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	var tally diffTally
	ours, kernel := 0, 0
	for _, o := range objectPrograms(t) {
		v, k := compareWithKernel(t, o.name(), o.prog.Insns, o.options(0), &tally)
		t.Logf("%-32s processed: ours %4d, kernel %4d", o.name(), v.processed, k.processed)
		ours, kernel = ours+v.processed, kernel+k.processed
	}
	t.Logf("instructions processed in all: ours %d, kernel %d", ours, kernel)
	t.Log(tally.String())
	if tally.imprecise > 0 {
		t.Errorf("the kernel accepts every test object; we rejected %d", tally.imprecise)
	}
}
