package kernel

// The differential test: every bpf_conformance tests/*.data program on our
// interpreter and on Linux. Where the kernel accepts a program, both must
// end with the same r0 (all 64 bits, through the result wrapper) and the
// same memory; the programs the kernel refuses must be exactly the ones
// KERNEL_6.18_RESULTS_v4.txt says it refuses, so a change on either side
// is noticed.

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/conformance"
	"github.com/deepsys/deepsys/internal/testenv"
)

// kernelRefuses are the tests Linux 6.18 refuses, with a phrase its
// verifier log must contain: the 12 ERROR lines of
// KERNEL_6.18_RESULTS_v4.txt (immediate shift counts >= the width or
// negative, which RFC 9669 masks and the verifier calls invalid) and its
// one SKIP, callx (call by register, which Linux does not have).
var kernelRefuses = map[string]string{
	"arsh32-imm-high.data": "invalid shift",
	"arsh32-imm-neg.data":  "invalid shift",
	"arsh64-imm-high.data": "invalid shift",
	"arsh64-imm-neg.data":  "invalid shift",
	"lsh32-imm-high.data":  "invalid shift",
	"lsh32-imm-neg.data":   "invalid shift",
	"lsh64-imm-high.data":  "invalid shift",
	"lsh64-imm-neg.data":   "invalid shift",
	"rsh32-imm-high.data":  "invalid shift",
	"rsh32-imm-neg.data":   "invalid shift",
	"rsh64-imm-high.data":  "invalid shift",
	"rsh64-imm-neg.data":   "invalid shift",
	"callx.data":           "unknown opcode 8d",
}

// diffTally counts the outcomes of the differential run.
type diffTally struct {
	files, agreed, withResult, noProgram int
	refused                              map[string]string // file -> last line of the verifier log
}

func TestDifferentialConformance(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	root := testenv.Corpus(t, "bpf_conformance")
	files, err := filepath.Glob(filepath.Join(root, "tests", "*.data"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .data files under %s/tests: %v", root, err)
	}
	sort.Strings(files)
	tally := diffTally{refused: map[string]string{}}
	for _, path := range files {
		differential(t, path, &tally)
	}
	checkRefusals(t, tally.refused, files)
	t.Logf("%d files: %d agree (%d of them also match the file's result), %d refused by the kernel, %d without a program",
		tally.files, tally.agreed, tally.withResult, len(tally.refused), tally.noProgram)
}

// differential runs one file on both engines and compares them.
func differential(t *testing.T, path string, tally *diffTally) {
	t.Helper()
	name := filepath.Base(path)
	tally.files++
	tf, err := asm.ReadTestFile(path)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	insns, err := tf.Program()
	if errors.Is(err, asm.ErrNoProgram) {
		tally.noProgram++
		return
	}
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	kp, err := Load(insns, Options{MemLen: len(tf.Mem)})
	var lerr *LoadError
	if errors.As(err, &lerr) {
		tally.refused[name] = strings.Join(lerr.Log, "\n")
		return
	}
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	defer kp.Close()
	memK, memI := slices.Clone(tf.Mem), slices.Clone(tf.Mem)
	r0K, err := kp.Run(memK)
	if err != nil {
		t.Errorf("%s: kernel: %v", name, err)
		return
	}
	r0I, err := interpret(insns, memI)
	switch {
	case err != nil:
		t.Errorf("%s: the kernel ran it to r0 = %#x, the interpreter failed: %v", name, r0K, err)
	case r0I != r0K:
		t.Errorf("%s: r0 = %#x on the interpreter, %#x on the kernel", name, r0I, r0K)
	case !bytes.Equal(memI, memK):
		t.Errorf("%s: memory after the run differs:\ninterpreter %x\nkernel      %x", name, memI, memK)
	default:
		tally.agreed++
	}
	if tf.Result != nil {
		if r0K != *tf.Result {
			t.Errorf("%s: the kernel's r0 = %#x, the file expects %#x", name, r0K, *tf.Result)
		} else {
			tally.withResult++
		}
	}
}

func interpret(insns []ebpf.Instruction, mem []byte) (uint64, error) {
	r, err := conformance.Interpreter{}.Load(insns)
	if err != nil {
		return 0, err
	}
	return r.Run(mem)
}

// checkRefusals compares what the kernel refused with kernelRefuses, for
// the files this copy of the corpus has, and checks the verifier's reason.
func checkRefusals(t *testing.T, refused map[string]string, files []string) {
	t.Helper()
	present := map[string]bool{}
	for _, f := range files {
		present[filepath.Base(f)] = true
	}
	var absent []string
	for name, reason := range kernelRefuses {
		log, ok := refused[name]
		switch {
		case !present[name]:
			absent = append(absent, name)
		case !ok:
			t.Errorf("%s: the kernel accepted it; KERNEL_6.18_RESULTS_v4.txt says it refuses it", name)
		case !strings.Contains(log, reason):
			t.Errorf("%s: refused, but the log does not say %q:\n%s", name, reason, log)
		}
	}
	for name, log := range refused {
		if _, ok := kernelRefuses[name]; !ok {
			t.Errorf("%s: refused by the kernel, which KERNEL_6.18_RESULTS_v4.txt says passes:\n%s", name, log)
		}
	}
	if len(absent) > 0 {
		sort.Strings(absent)
		t.Logf("not in this copy of the corpus (so not checked): %s", strings.Join(absent, ", "))
	}
}

// resultLine is one line of KERNEL_6.18_RESULTS_v4.txt: `PASS: "add.data"`.
var resultLine = regexp.MustCompile(`^(PASS|ERROR|SKIP|FAIL): "([^"]+)"`)

// TestKernelRefusesMatchesResultsFile checks kernelRefuses against the
// measurement it comes from: its ERROR and SKIP lines, and nothing else.
func TestKernelRefusesMatchesResultsFile(t *testing.T) {
	path := filepath.Join(testenv.Corpus(t, "bpf_conformance"), "KERNEL_6.18_RESULTS_v4.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	notPass := map[string]bool{}
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := resultLine.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("unexpected line in %s: %q", path, sc.Text())
		}
		counts[m[1]]++
		if m[1] != "PASS" {
			notPass[m[2]] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range kernelRefuses {
		if !notPass[name] {
			t.Errorf("kernelRefuses lists %s, which the results file does not", name)
		}
	}
	for name := range notPass {
		if _, ok := kernelRefuses[name]; !ok {
			t.Errorf("the results file does not pass %s, which kernelRefuses does not list", name)
		}
	}
	t.Logf("%s: %v", filepath.Base(path), counts)
}
