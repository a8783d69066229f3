package verifier

import (
	"errors"
	"path/filepath"
	"sort"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/internal/testenv"
)

// corpusPrograms is every bpf_conformance program behind its prolog.
func corpusPrograms(t testing.TB, corpus string) (names []string, progs [][]ebpf.Instruction) {
	root := testenv.Corpus(t, corpus)
	files, err := filepath.Glob(filepath.Join(root, "tests", "*.data"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .data files under %s/tests: %v", root, err)
	}
	sort.Strings(files)
	for _, path := range files {
		tf, err := asm.ReadTestFile(path)
		if err != nil {
			t.Logf("%s: %v", path, err)
			continue
		}
		insns, err := tf.Program()
		if errors.Is(err, asm.ErrNoProgram) || err == nil && len(tf.Mem) > 3000 {
			continue
		}
		if err != nil {
			t.Logf("%s: %v", path, err)
			continue
		}
		front := kernel.Prolog(len(tf.Mem))
		names = append(names, filepath.Base(path))
		progs = append(progs, append(front, insns...))
	}
	return names, progs
}

// TestKernelCorpus verifies the bpf_conformance and uBPF corpora with us
// and with Linux.
func TestKernelCorpus(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	for _, corpus := range []string{"bpf_conformance", "ubpf-tests"} {
		t.Run(corpus, func(t *testing.T) {
			if corpus == "ubpf-tests" && testing.Short() {
				t.Skip("-short: its loop programs take seconds to walk to the 1,000,000-instruction limit")
			}
			names, progs := corpusPrograms(t, corpus)
			var tally diffTally
			for i, insns := range progs {
				compareWithKernel(t, names[i], insns, Options{ProgType: loader.XDP}, &tally)
			}
			t.Log(tally.String())
		})
	}
}
