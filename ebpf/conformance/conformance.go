// Package conformance runs the eBPF conformance corpora — bpf_conformance
// (RFC 9669, keyed by section) and uBPF's tests — against an execution
// engine of package ebpf: the interpreter (Interpreter) and the x86-64 JIT
// (JIT), each held to the same verdicts.
//
// A .data test file (see ebpf/asm, ReadTestFile) holds a program, the
// memory r1 points to (length in r2), and either the expected r0 or an
// expected error. For each file:
//
//  1. Read and assemble it. A file expecting an error ("-- error") passes if
//     any stage — assembly, validation, compilation, running — refuses it;
//     one expecting a runtime error ("-- error pattern") passes if the run
//     fails.
//  2. Otherwise compile it for the engine, run it once on a copy of the
//     memory, and compare r0 with "-- result".
//  3. Files that test something outside RFC 9669 and Linux are skipped with
//     the reason (Skips); files whose expected error RFC 9669 contradicts
//     must run cleanly instead (Divergent). Both lists are small and say why.
//  4. A file of bpf_conformance's negative/ directory must be refused, or
//     caught with a wrong result, whatever its sections say (RunNegative).
//     The few that only a verifier's data-flow analysis can refuse are
//     skipped with the reason (VerifierOnly) until issue 04 lands.
//
// The engine sees the uBPF test helpers (ids 0-5) that some uBPF files call.
package conformance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// Engine loads a program and runs it on one memory buffer.
type Engine interface {
	Name() string
	Load(insns []ebpf.Instruction) (Runner, error)
}

// Runner is a loaded program.
type Runner interface {
	Run(mem []byte) (uint64, error)
}

// Status is the verdict on one file.
type Status string

// Verdicts.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Result is one file's verdict with the reason for anything but a plain pass.
type Result struct {
	File   string
	Status Status
	Detail string
}

// Skips are files that test something RFC 9669 and Linux do not define.
var Skips = map[string]string{
	"callx.data":         "callx (call by register) is not in RFC 9669; Linux rejects it",
	"reload.data":        "tests uBPF's API (reloading a VM), not the instruction set",
	"unload_reload.data": "tests uBPF's API (reloading a VM), not the instruction set",
	"call_unwind.data":   "uBPF extension: a designated helper returning 0 unwinds the whole program",
}

// Divergent are files expecting an error that RFC 9669 says is no error.
var Divergent = map[string]string{
	"err-unknown-opcode.data": "0x06 is gotol (JMP32 JA, RFC 9669 §4.3); uBPF predates it",
}

// VerifierOnly are negative files whose program is well formed and runs;
// only the verifier's data-flow analysis rejects them.
var VerifierOnly = map[string]string{
	"error.data": "reads r0 before writing it: the verifier's uninitialised-register check (issue 04)",
}

// RunNegative applies step 4 to the file at path.
func RunNegative(e Engine, path string) Result {
	name := filepath.Base(path)
	res := Result{File: path, Status: Pass}
	tf, err := asm.ReadTestFile(path)
	if err != nil {
		res.Detail = "refused: " + err.Error()
		return res
	}
	r0, err := execute(e, tf)
	switch {
	case err != nil:
		res.Detail = "refused: " + err.Error()
	case tf.Result != nil && r0 != *tf.Result:
		res.Detail = fmt.Sprintf("caught: r0 = %#x, the file claims %#x", r0, *tf.Result)
	case VerifierOnly[name] != "":
		res.Status, res.Detail = Skip, VerifierOnly[name]
	default:
		return failf(res, "ran to r0 = %#x; a negative test must be refused", r0)
	}
	return res
}

// RunFile applies steps 1-3 to the file at path.
func RunFile(e Engine, path string) Result {
	name := filepath.Base(path)
	res := Result{File: path, Status: Pass}
	if why, ok := Skips[name]; ok {
		res.Status, res.Detail = Skip, why
		return res
	}
	tf, err := asm.ReadTestFile(path)
	if err != nil {
		return failf(res, "reading: %v", err)
	}
	wantErr := tf.Error != "" || tf.ErrorPattern != ""
	_, divergent := Divergent[name]
	if divergent {
		wantErr = false
	}
	if tf.Result == nil && !wantErr && !divergent {
		res.Status, res.Detail = Skip, "no expected result: an encoding test for the assembler"
		return res
	}
	r0, err := execute(e, tf)
	switch {
	case errors.Is(err, asm.ErrNoProgram):
		res.Status, res.Detail = Skip, "no program (an ELF-loader test)"
	case err != nil && wantErr:
		res.Detail = "refused as expected: " + err.Error()
	case err != nil:
		return failf(res, "%v", err)
	case wantErr:
		return failf(res, "ran to r0 = %#x; the file expects an error", r0)
	case tf.Result != nil && r0 != *tf.Result:
		return failf(res, "r0 = %#x, want %#x", r0, *tf.Result)
	}
	return res
}

// execute assembles, loads and runs the file's program.
func execute(e Engine, tf *asm.TestFile) (uint64, error) {
	insns, err := tf.Program()
	if err != nil {
		return 0, err
	}
	r, err := e.Load(insns)
	if err != nil {
		return 0, fmt.Errorf("%s: load: %w", e.Name(), err)
	}
	r0, err := r.Run(slices.Clone(tf.Mem))
	if err != nil {
		return r0, fmt.Errorf("%s: run: %w", e.Name(), err)
	}
	return r0, nil
}

func failf(r Result, format string, args ...any) Result {
	r.Status, r.Detail = Fail, fmt.Sprintf(format, args...)
	return r
}

// RunDir runs every .data file under dir, recursively, in name order:
// files in a directory named "negative" with RunNegative, the rest with
// RunFile.
func RunDir(e Engine, dir string) ([]Result, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".data" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("conformance: no .data files under %s", dir)
	}
	sort.Strings(files)
	out := make([]Result, len(files))
	for i, f := range files {
		if filepath.Base(filepath.Dir(f)) == "negative" {
			out[i] = RunNegative(e, f)
		} else {
			out[i] = RunFile(e, f)
		}
	}
	return out, nil
}

// Count tallies results by status.
func Count(results []Result) (pass, fail, skip int) {
	for _, r := range results {
		switch r.Status {
		case Pass:
			pass++
		case Fail:
			fail++
		default:
			skip++
		}
	}
	return pass, fail, skip
}
