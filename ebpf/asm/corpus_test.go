package asm

// The two corpora of .data files, ../shared/corpora/bpf_conformance and
// ../shared/corpora/ubpf-tests, through the assembler: every positive
// program assembles and round-trips through both disassemblers, every
// negative file the assembler can judge is rejected with a message that
// says what bpf_conformance's says, and the rest are listed with the reason
// they are someone else's to reject.

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/internal/testenv"
)

// dataFiles lists the .data files under dir, skipping the subdirectories
// named in skip.
func dataFiles(t *testing.T, dir string, skip ...string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && slices.Contains(skip, d.Name()) {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, ".data") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .data files in %s", dir)
	}
	return files
}

// positiveFiles are the programs that must assemble: bpf_conformance's
// tests and uBPF's, without uBPF's errors/ and elf/.
func positiveFiles(t *testing.T) []string {
	conf := dataFiles(t, filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests"))
	ubpf := dataFiles(t, filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests"), "errors", "elf")
	return append(conf, ubpf...)
}

func TestCorpusPositive(t *testing.T) {
	files := positiveFiles(t)
	insns := 0
	for _, path := range files {
		prog, err := readProgram(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		insns += len(prog)
		checkRoundTrip(t, path, prog)
	}
	t.Logf("%d positive files, %d instructions: all assemble, round-trip through Disassemble, print in LLVM syntax",
		len(files), insns)
}

func readProgram(path string) ([]ebpf.Instruction, error) {
	tf, err := ReadTestFile(path)
	if err != nil {
		return nil, err
	}
	_, asm := tf.Sections["asm"]
	_, raw := tf.Sections["raw"]
	if tf.Result == nil && tf.Error == "" && !(asm && raw) { // uBPF's encoding tests have asm and raw only
		return nil, errors.New(path + ": neither -- result nor -- error")
	}
	prog, err := tf.Program()
	if err != nil {
		return nil, errors.New(path + ": " + err.Error())
	}
	return prog, nil
}

// checkRoundTrip checks Assemble(Disassemble(prog)) == prog and that the
// LLVM syntax knows every instruction.
func checkRoundTrip(t *testing.T, path string, prog []ebpf.Instruction) {
	t.Helper()
	back, err := Assemble(Disassemble(prog))
	if err != nil {
		t.Errorf("%s: Disassemble output does not assemble: %v", path, err)
		return
	}
	if !slices.Equal(back, prog) {
		t.Errorf("%s: Assemble(Disassemble(p)) != p", path)
	}
	if strings.Contains(DisassembleLLVM(prog), "<unknown>") {
		t.Errorf("%s: DisassembleLLVM prints <unknown>:\n%s", path, DisassembleLLVM(prog))
	}
}

// negativeErrors says, for each file of bpf_conformance/negative that the
// assembler or the file reader must reject, words of our message; the
// comment is bpf_conformance's expected error (tools/tests.cmake).
var negativeErrors = map[string]string{
	"empty.data":                     ErrNoProgram.Error(),                              // Test file has no BPF instructions
	"empty_instructions.data":        ErrNoProgram.Error(),                              // (moved to negative/ upstream: no program)
	"invalid_unknown_directive.data": "-- asm: no instructions",                         // Test file has no BPF instructions.
	"invalid_imm32_dec_range.data":   "immediate out of 32-bit range: 2147483648",       // Immediate out of 32-bit range: 2147483648
	"invalid_imm32_hex_range.data":   "immediate out of 32-bit range: 0x100000000",      // Immediate out of 32-bit range: 0x100000000
	"invalid_label.data":             `undefined label "NOT_A_LABEL"`,                   // Invalid label: NOT_A_LABEL
	"invalid_lock.data":              "wrong number of operands for lock or",            // Invalid number of operands
	"invalid_lock2.data":             "wrong number of operands for lock",               // Invalid number of operands for lock
	"invalid_mnemonic.data":          `unknown mnemonic "ldxq"`,                         // Invalid mnemonic: ldxq
	"invalid_offset.data":            "wrong operands for ldxb: got register, register", // Failed to decode register and offset: %r1
	"invalid_offset_range.data":      "offset out of 16-bit range: +0x10000",            // Offset out of 16-bit range: .*0x10000
	"invalid_operand_count.data":     "wrong number of operands for lddw",               // Invalid number of operands for mnemonic: lddw
	"invalid_register.data":          "invalid register %r50",                           // Invalid register: %r50
}

// negativeElsewhere are the negative files whose program is well formed:
// what makes them fail is the verifier's or the test runner's to find.
var negativeElsewhere = map[string]string{
	"error.data": "or %r0, %r10 reads r0 before any write and ors the frame pointer into it: the kernel " +
		"verifier rejects it (bpf_conformance expects \"Failed to load program\"); a validator check",
	"incorrect_return_value_high_bits.data": "its -- result is deliberately wrong in the high bits: " +
		"the runner must report the mismatch; the program itself is fine",
}

func TestCorpusNegative(t *testing.T) {
	files := dataFiles(t, filepath.Join(testenv.Corpus(t, "bpf_conformance"), "negative"))
	rejected := 0
	for _, path := range files {
		name := filepath.Base(path)
		_, err := readNegative(path)
		want, isAsm := negativeErrors[name]
		if strings.HasPrefix(name, "unused-") {
			want, isAsm = "must be 0", true // unused fields of a -- raw instruction
		}
		switch reason, elsewhere := negativeElsewhere[name]; {
		case elsewhere && err != nil:
			t.Errorf("%s: %v; expected it to assemble (%s)", name, err, reason)
		case elsewhere:
			t.Logf("%s assembles, as it should: %s", name, reason)
		case !isAsm:
			t.Errorf("%s: new negative file: add it to negativeErrors or negativeElsewhere (we say %v)", name, err)
		case err == nil:
			t.Errorf("%s: accepted, want an error with %q", name, want)
		case !strings.Contains(err.Error(), want):
			t.Errorf("%s: %v, want an error with %q", name, err, want)
		default:
			rejected++
		}
	}
	t.Logf("%d negative files: %d rejected by the assembler or the file reader, %d left to the verifier or runner",
		len(files), rejected, len(negativeElsewhere))
}

func readNegative(path string) ([]ebpf.Instruction, error) {
	tf, err := ReadTestFile(path)
	if err != nil {
		return nil, err
	}
	return tf.Program()
}

// ubpfProgramErrors are the uBPF error tests whose -- raw program is not
// well formed, so Program rejects them; the comment is uBPF's message.
var ubpfProgramErrors = map[string]string{
	"err-endian-size.data":                         "imm is 48, must be 16 or 32 or 64",               // invalid endian immediate
	"err-incomplete-lddw.data":                     "second slot of lddw must be zero except its imm", // incomplete lddw
	"err-incomplete-lddw2.data":                    "second slot of lddw must be zero except its imm", // incomplete lddw
	"err-lddw-invalid-src.data":                    "opcode 0x18 (lddw): src is 1, must be 0",         // invalid source register for LDDW
	"err-lddw-second-half-invalid-all.data":        "second slot of lddw must be zero",                // invalid lddw second half
	"err-lddw-second-half-invalid-dst-offset.data": "second slot of lddw must be zero",
	"err-lddw-second-half-invalid-offset.data":     "second slot of lddw must be zero",
	"err-lddw-second-half-invalid-src-offset.data": "second slot of lddw must be zero",
	"err-lddw-second-half-invalid-src.data":        "second slot of lddw must be zero",
	"err-lddw-second-half-invalid.data":            "second slot of lddw must be zero",
}

// ubpfAccepted are uBPF error tests whose program is well formed but that
// uBPF rejects for a reason of its own, not the ISA's.
var ubpfAccepted = map[string]string{
	"err-unknown-opcode.data": "0x06 is ja32 (gotol) +0, part of the ISA since v4 (RFC 9669); uBPF does not implement it",
}

// TestCorpusUBPFErrors: uBPF's error tests. Those with a malformed -- raw
// program are rejected here; the others assemble, and their load-time or
// run-time errors (bad registers, jumps out of range, faults) are the
// validator's and the interpreter's to find.
func TestCorpusUBPFErrors(t *testing.T) {
	files := dataFiles(t, filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "errors"))
	rejected := 0
	for _, path := range files {
		name := filepath.Base(path)
		tf, err := ReadTestFile(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tf.Error == "" && tf.ErrorPattern == "" {
			t.Errorf("%s: neither -- error nor -- error pattern", name)
		}
		_, err = tf.Program()
		if want, ok := ubpfProgramErrors[name]; ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: Program() = %v, want an error with %q", name, err, want)
			}
			rejected++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v; its error (%q) is for the validator or interpreter", name, err, tf.Error+tf.ErrorPattern)
		}
		if reason, ok := ubpfAccepted[name]; ok {
			t.Logf("%s assembles: %s", name, reason)
		}
	}
	t.Logf("%d uBPF error files: %d malformed programs rejected, %d assemble for the validator or interpreter to reject",
		len(files), rejected, len(files)-rejected)
}

// TestCorpusELF: uBPF's ELF-loader tests have no program of their own (a
// "-- pyelf" patch to a base ELF); they must parse and say so.
func TestCorpusELF(t *testing.T) {
	files := dataFiles(t, filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "elf"))
	for _, path := range files {
		tf, err := ReadTestFile(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if _, ok := tf.Sections["pyelf"]; !ok {
			t.Errorf("%s: no -- pyelf section", path)
		}
		if _, err := tf.Program(); !errors.Is(err, ErrNoProgram) {
			t.Errorf("%s: Program() = %v, want ErrNoProgram", path, err)
		}
	}
	t.Logf("%d ELF test files parsed", len(files))
}

// TestCorpusIncludes: the packet-filter tests keep their program and packet
// in files beside them ("-- asm @ tcp-sack.asm", "-- mem @ pkt-sack.hex").
func TestCorpusIncludes(t *testing.T) {
	dir := filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "tcp-sack")
	tf, err := ReadTestFile(filepath.Join(dir, "match.data"))
	if err != nil {
		t.Fatal(err)
	}
	if tf.AsmFile != "tcp-sack.asm" || tf.MemFile != "pkt-sack.hex" {
		t.Errorf("AsmFile %q, MemFile %q", tf.AsmFile, tf.MemFile)
	}
	// pkt-sack.hex is tcpdump -x output: "0x0000:  0026 622f 4787 ...", 78 bytes.
	if len(tf.Mem) != 78 || tf.Mem[0] != 0x00 || tf.Mem[1] != 0x26 || tf.Mem[2] != 0x62 || tf.Mem[77] != 0xd0 {
		t.Errorf("Mem = % x (%d bytes)", tf.Mem, len(tf.Mem))
	}
	if _, err := tf.Program(); err != nil {
		t.Error(err)
	}
}
