package interp

// The conformance corpora (bpf_conformance, uBPF) against the interpreter.
//
// A .data test names a program in assembly ("-- asm"), sometimes also as
// raw words ("-- raw"), its input memory ("-- mem", given to Run as the
// context) and the expected r0 ("-- result"). Until ebpf/asm lands,
// assemble is nil and the programs come from two places:
//
//  1. handEncoded (conformance_programs_test.go): a few dozen corpus
//     programs covering every instruction family, written as Go literals
//     from their "-- asm" text; inputs and expected results are still read
//     from the corpus files;
//  2. "-- raw" sections, decoded with ebpf.Decode.
//
// After the merge, set assemble (one line, below) and every file runs; the
// hand-encoded programs are then also checked against the assembler's
// output, which tests both.

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/internal/testenv"
)

// assemble turns the "-- asm" text of a .data file into instructions; nil
// until ebpf/asm is merged (then: assemble = asm.Assemble, or a wrapper).
var assemble func(src string) ([]ebpf.Instruction, error)

// skipped lists corpus tests that cannot pass here, with the reason.
var skipped = map[string]string{
	"callx.data":         "callx (call %r2) is not in RFC 9669; the kernel rejects it too",
	"reload.data":        "uBPF API test (reloading a VM)",
	"unload_reload.data": "uBPF API test (reloading a VM)",
}

// divergent lists corpus tests whose expected failure RFC 9669 does not
// support: they must run without error here.
var divergent = map[string]string{
	"err-unknown-opcode.data": "0x06 is gotol (JMP32 JA, RFC 9669 §4.3); uBPF predates it",
}

// dataFile is what a .data test holds, as far as a runner needs.
type dataFile struct {
	asm       string
	raw       []byte // nil without "-- raw"
	mem       []byte
	result    uint64
	hasResult bool
	wantError bool // "-- error" or "-- error pattern": the program must fail
}

// readData splits a .data file into its sections.
func readData(t *testing.T, path string) dataFile {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d dataFile
	for name, body := range sections(string(text)) {
		switch name {
		case "asm":
			d.asm = body
		case "raw":
			d.raw = parseRaw(t, path, body)
		case "mem":
			d.mem = parseHex(t, path, body)
		case "result":
			d.result, d.hasResult = parseResult(t, path, body), true
		case "error", "error pattern":
			d.wantError = true
		}
	}
	return d
}

// sections maps "-- name" headers to the text up to the next header;
// comment lines (#) are dropped.
func sections(text string) map[string]string {
	out := map[string]string{}
	name := ""
	for line := range strings.Lines(text) {
		if h, ok := strings.CutPrefix(line, "-- "); ok {
			name = strings.TrimSpace(h)
			out[name] += ""
			continue
		}
		if name != "" && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			out[name] += line
		}
	}
	return out
}

func parseHex(t *testing.T, path, body string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil {
		t.Fatalf("%s: mem: %v", path, err)
	}
	return b
}

// parseRaw reads 64-bit instruction words ("0x...95") or plain bytes.
func parseRaw(t *testing.T, path, body string) []byte {
	var code []byte
	for _, f := range strings.Fields(body) {
		word, isWord := strings.CutPrefix(f, "0x")
		if !isWord {
			code = append(code, parseHex(t, path, f)...)
			continue
		}
		v, err := strconv.ParseUint(word, 16, 64)
		if err != nil {
			t.Fatalf("%s: raw: %v", path, err)
		}
		code = binary.LittleEndian.AppendUint64(code, v)
	}
	return code
}

func parseResult(t *testing.T, path, body string) uint64 {
	v, err := strconv.ParseUint(strings.TrimSpace(body), 0, 64)
	if err != nil {
		t.Fatalf("%s: result: %v", path, err)
	}
	return v
}

// conformanceHelpers are the helpers corpus programs call, with uBPF's ids
// and meanings (its test runner registers the same): bpf_conformance's only
// call is call_unwind_fail.data's "call 5", which checks that the program
// goes on when unwind's argument is not 0.
var conformanceHelpers = map[int32]Helper{
	0: func(_ *Env, a, b, c, d, e uint64) (uint64, error) { // gather_bytes
		return a<<32 | b<<24 | c<<16 | d<<8 | e, nil
	},
	1: func(env *Env, p, n, _, _, _ uint64) (uint64, error) { // memfrob
		mem, err := env.Store(p, int(n&0xffff))
		for i := range mem {
			mem[i] ^= 42
		}
		return 0, err
	},
	2: func(*Env, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, nil }, // no_op
	3: func(_ *Env, x, _, _, _, _ uint64) (uint64, error) { // sqrti
		return uint64(math.Sqrt(float64(x))), nil
	},
	4: strcmpExt,
	5: func(_ *Env, r1, _, _, _, _ uint64) (uint64, error) { return r1, nil }, // unwind
}

// strcmpExt is uBPF's strcmp_ext helper: strcmp of two NUL-terminated
// strings in program memory.
func strcmpExt(env *Env, a, b, _, _, _ uint64) (uint64, error) {
	for i := uint64(0); ; i++ {
		ca, err := env.Load(a+i, 1)
		if err != nil {
			return 0, err
		}
		cb, err := env.Load(b+i, 1)
		if err != nil {
			return 0, err
		}
		if ca[0] != cb[0] || ca[0] == 0 {
			return uint64(int64(ca[0]) - int64(cb[0])), nil
		}
	}
}

// program returns the instructions of a corpus test and where they came
// from ("" if there is no way to get them yet), or why they are not a
// program.
func program(name string, d dataFile) ([]ebpf.Instruction, string, error) {
	if hand, ok := handEncoded[name]; ok {
		return fixExits(hand), "hand-encoded", nil
	}
	if d.raw != nil {
		insns, err := ebpf.Decode(d.raw)
		return insns, "raw", err
	}
	if assemble != nil {
		insns, err := assemble(d.asm)
		return insns, "asm", err
	}
	return nil, "", nil
}

func TestConformance(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests", "*.data"),
		filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "*.data"),
		filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "errors", "*.data"),
	} {
		matches, _ := filepath.Glob(pattern)
		files = append(files, matches...)
	}
	ran := map[string]int{}
	for _, path := range files {
		name := filepath.Base(path)
		if why, ok := skipped[name]; ok {
			t.Logf("%s: skipped: %s", name, why)
			continue
		}
		d := readData(t, path)
		if why, ok := divergent[name]; ok {
			t.Logf("%s: expected to run although the corpus expects an error: %s", name, why)
			d.wantError = false
		}
		if !d.hasResult && !d.wantError && divergent[name] == "" {
			continue // an encoding test for the assembler (asm and raw, nothing to run)
		}
		insns, from, err := program(name, d)
		if from == "" {
			continue
		}
		ran[from]++
		t.Run(name, func(t *testing.T) {
			if err != nil {
				if !d.wantError {
					t.Fatal(err)
				}
				return
			}
			runConformance(t, insns, d)
		})
		crossCheck(t, name, d)
	}
	t.Logf("ran %v of %d files (the rest need ebpf/asm)", ran, len(files))
	if ran["hand-encoded"] != len(handEncoded) {
		t.Errorf("ran %d hand-encoded programs, have %d: a file name is wrong", ran["hand-encoded"], len(handEncoded))
	}
}

func runConformance(t *testing.T, insns []ebpf.Instruction, d dataFile) {
	p, err := Compile(insns, Options{Helpers: conformanceHelpers})
	if err != nil {
		if !d.wantError {
			t.Fatalf("Compile: %v", err)
		}
		t.Logf("rejected as the corpus expects: %v", err)
		return
	}
	r0, err := p.Run(slices.Clone(d.mem))
	switch {
	case err != nil && !d.wantError:
		t.Fatalf("Run: %v", err)
	case err == nil && d.wantError:
		t.Fatalf("Run = %#x, want an error", r0)
	case err == nil && d.hasResult && r0 != d.result:
		t.Fatalf("r0 = %#x, want %#x", r0, d.result)
	case err != nil:
		t.Logf("failed as the corpus expects: %v", err)
	}
}

// crossCheck compares a hand-encoded program with the assembler's output,
// once there is an assembler.
func crossCheck(t *testing.T, name string, d dataFile) {
	hand, ok := handEncoded[name]
	if !ok || assemble == nil {
		return
	}
	insns, err := assemble(d.asm)
	if err != nil {
		t.Errorf("%s: assemble: %v", name, err)
		return
	}
	if !slices.Equal(insns, fixExits(hand)) {
		t.Errorf("%s: hand encoding differs from the assembler's:\n%v\n%v", name, fixExits(hand), insns)
	}
}
