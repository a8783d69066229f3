package ebpfbench

// The verification workload: how long a verdict takes, our verifier's
// (verifier.Verify in this process) against Linux's (bpf(BPF_PROG_LOAD)
// through ebpf/kernel, the program closed after), on the same programs:
// every program of ebpf/testdata/*.o (with its maps) and every
// bpf_conformance program behind the XDP prolog the kernel runs it with.
// The kernel's figure is the verdict's latency as a loader sees it: the
// syscall, the verifier, and for an accepted program the JIT and the
// program's release; no log is asked for (a refused program's load is
// retried with one, by cilium/ebpf). A batch is n passes over the whole
// set, timed by the wall clock; a round takes the fastest of 4 batches;
// the figure is ns per program. There is no empty-program overhead to
// subtract: the load is the work.

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/ebpf/verifier"
	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/internal/corpora"
)

// VerifyWorkload names the verification workload.
const VerifyWorkload = "verify: testdata objects + corpus"

// verifyProg is one program of the verification set.
type verifyProg struct {
	insns []ebpf.Instruction
	opts  verifier.Options
}

// verifySet is the test objects' programs and the bpf_conformance corpus,
// found from the module root (the bench runs in the checkout); programs
// the kernel cannot be asked about are left out.
func verifySet() ([]verifyProg, error) {
	root, err := corpora.ModuleRoot()
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(root, "ebpf", "testdata", "*.o"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no test objects under %s/ebpf/testdata: %v", root, err)
	}
	var set []verifyProg
	for _, f := range files {
		obj, err := loader.LoadFile(f)
		if err != nil {
			return nil, err
		}
		specs := make([]maps.Spec, len(obj.Maps))
		for i, m := range obj.Maps {
			specs[i] = m.Spec
		}
		for _, p := range obj.Programs {
			set = append(set, verifyProg{p.Insns, verifier.Options{ProgType: p.Type, Maps: specs}})
		}
	}
	dir, err := corpora.Dir("bpf_conformance")
	if err != nil {
		return nil, err
	}
	tests, err := filepath.Glob(filepath.Join(dir, "tests", "*.data"))
	if err != nil {
		return nil, err
	}
	sort.Strings(tests)
	for _, path := range tests {
		tf, err := asm.ReadTestFile(path)
		if err != nil {
			continue
		}
		insns, err := tf.Program()
		if err != nil || len(tf.Mem) > 3000 {
			continue
		}
		front := kernel.Prolog(len(tf.Mem))
		set = append(set, verifyProg{append(front, insns...), verifier.Options{ProgType: loader.XDP}})
	}
	var out []verifyProg
	for _, p := range set {
		if _, err := kernel.Verify(p.insns, kernelVerifyOptions(p.opts)); err == nil {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the kernel verifies none of the programs")
	}
	return out, nil
}

func kernelVerifyOptions(o verifier.Options) kernel.VerifyOptions {
	return kernel.VerifyOptions{ProgType: o.ProgType, Maps: o.Maps, Quiet: true}
}

// verifyWorkload times both verifiers over the set.
func verifyWorkload(cfg Config) (bench.Workload, error) {
	w := bench.Workload{Name: VerifyWorkload, Metric: "verification", Unit: "ns/program", Better: bench.LowerIsBetter}
	set, err := verifySet()
	if err != nil {
		return w, fmt.Errorf("ebpfbench: %s: %w", VerifyWorkload, err)
	}
	ours := func(n int) (time.Duration, error) {
		start := time.Now()
		for range n {
			for _, p := range set {
				verifier.Verify(p.insns, p.opts)
			}
		}
		return time.Since(start), nil
	}
	linux := func(n int) (time.Duration, error) {
		start := time.Now()
		for range n {
			for _, p := range set {
				if _, err := kernel.Verify(p.insns, kernelVerifyOptions(p.opts)); err != nil {
					return 0, err
				}
			}
		}
		return time.Since(start), nil
	}
	for _, c := range []struct {
		name string
		b    batch
	}{{"deepsys verifier", ours}, {"linux verifier", linux}} {
		n, err := calibrate(cfg.Round/batches, c.b)
		if err != nil {
			return w, err
		}
		best := bestOf(c.b, n)
		w.Contestants = append(w.Contestants, bench.Contestant{Name: c.name, Run: func() (float64, error) {
			v, err := best()
			return v / float64(len(set)), err
		}})
	}
	return w, nil
}
