package verifier

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/internal/testenv"
)

// benchSet is the test objects' programs and the accepted random
// programs: what both verifiers are timed on.
func benchSet(b *testing.B) (progs [][]ebpf.Instruction, opts []Options) {
	for _, o := range objectPrograms(b) {
		progs, opts = append(progs, o.prog.Insns), append(opts, o.options(0))
	}
	_, corpus := corpusPrograms(b, "bpf_conformance")
	for _, p := range corpus {
		progs, opts = append(progs, p), append(opts, Options{ProgType: loader.XDP})
	}
	return progs, opts
}

// BenchmarkVerify times one pass over the set: our verifier, then Linux's
// (bpf(BPF_PROG_LOAD), which also JIT-compiles: the verdict's latency as
// a loader sees it). Per op: the whole set.
func BenchmarkVerify(b *testing.B) {
	progs, opts := benchSet(b)
	b.Run("deepsys", func(b *testing.B) {
		for range b.N {
			for i, p := range progs {
				Verify(p, opts[i])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(progs)), "ns/program")
	})
	b.Run("linux", func(b *testing.B) {
		testenv.RequireRoot(b)
		testenv.RequireBPF(b)
		kernelQuiet = true
		defer func() { kernelQuiet = false }()
		for range b.N {
			for i, p := range progs {
				kernelVerify(b, p, opts[i])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(progs)), "ns/program")
	})
}
