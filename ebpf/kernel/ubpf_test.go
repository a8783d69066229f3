package kernel

// The uBPF corpus and bpf_conformance's negative files on Linux: which
// programs the kernel's verifier refuses, and why, pinned so that a change
// in the kernel or in our reading of the files is noticed; every program it
// runs must agree with our interpreter (as in TestDifferentialConformance).

import (
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/internal/testenv"
)

// ubpfRefusals are the uBPF test programs Linux refuses, with a phrase of
// its verifier log.
// Besides the four divisions by a zero immediate (defined as 0 by RFC 9669
// and uBPF, an error for the kernel) and the stack-pointer arithmetic uBPF
// allows, the "encoding" files are refused: they are assembler tests whose
// instruction list does not end in exit, so our conformance runner skips
// them too.
var ubpfRefusals = map[string]string{
	"alu.data":                        "last insn is not an exit or jmp",
	"alu64.data":                      "last insn is not an exit or jmp",
	"ldx.data":                        "last insn is not an exit or jmp",
	"st.data":                         "last insn is not an exit or jmp",
	"stx.data":                        "last insn is not an exit or jmp",
	"jmp.data":                        "jump out of range",
	"div-by-zero-imm.data":            "div by zero",
	"div64-by-zero-imm.data":          "div by zero",
	"mod-by-zero-imm.data":            "div by zero",
	"mod64-by-zero-imm.data":          "div by zero",
	"stack2.data":                     "subtraction from stack pointer prohibited",
	"stack3.data":                     "subtraction from stack pointer prohibited",
	"early-exit.data":                 "unreachable insn",
	"mul-loop-memory-iterations.data": "BPF program is too large",
	"string-stack.data":               "cannot use helper bpf_probe_read#4", // uBPF's helper 4 is strcmp
}

func TestDifferentialUBPF(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	files, err := filepath.Glob(filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "*.data"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no uBPF .data files: %v", err)
	}
	sort.Strings(files)
	tally := diffTally{refused: map[string]string{}}
	for _, path := range files {
		differential(t, path, &tally)
	}
	for name, log := range tally.refused {
		want, ok := ubpfRefusals[name]
		lines := strings.Split(strings.TrimSpace(log), "\n")
		if !ok || !strings.Contains(log, want) {
			t.Errorf("%s: refused, pinned %q; the verifier says %q", name, want, verdictOf(lines).Reason)
		}
	}
	for name := range ubpfRefusals {
		if _, ok := tally.refused[name]; !ok {
			t.Errorf("%s: the kernel accepted it; pinned as refused", name)
		}
	}
	t.Logf("%d files: %d agree, %d refused by the kernel, %d without a program",
		tally.files, tally.agreed, len(tally.refused), tally.noProgram)
}

// TestKernelRefusesNegatives loads every bpf_conformance negative program
// into Linux: all must be refused, as they are by our validator, except
// the one that tests the test runner rather than the verifier: a valid
// program whose file expects a wrong result, which the kernel runs and
// which must then not produce the result the file claims.
func TestKernelRefusesNegatives(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	files, err := filepath.Glob(filepath.Join(testenv.Corpus(t, "bpf_conformance"), "negative", "*.data"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no negative .data files: %v", err)
	}
	refused := 0
	for _, path := range files {
		name := filepath.Base(path)
		tf, err := asm.ReadTestFile(path)
		if err != nil {
			refused++ // our assembler refuses the text: nothing to load
			continue
		}
		insns, err := tf.Program()
		if err != nil {
			refused++
			continue
		}
		kp, err := Load(insns, Options{MemLen: len(tf.Mem)})
		var lerr *LoadError
		if errors.As(err, &lerr) {
			refused++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		defer kp.Close()
		r0, err := kp.Run(tf.Mem)
		switch {
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case tf.Result == nil:
			t.Errorf("%s: the kernel accepted a negative program", name)
		case r0 == *tf.Result:
			t.Errorf("%s: the kernel produced the result %#x the negative file expects", name, r0)
		default:
			refused++ // the runner's negative: caught by the result
		}
	}
	t.Logf("%d negative files, %d refused", len(files), refused)
}
