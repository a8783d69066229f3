package ebpf

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// rawSection returns the bytecode of the "-- raw" section of a .data test
// file, or nil when there is none. The section holds either 64-bit words
// ("0x0000000000000095", uBPF) or bytes ("95 00 00 00 ...", bpf_conformance
// negative tests). The full .data parser is ebpf/asm's; this reads only raw.
func rawSection(t *testing.T, path string) []byte {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, raw, ok := strings.Cut(string(text), "-- raw\n")
	if !ok {
		return nil
	}
	raw, _, _ = strings.Cut(raw, "\n--")
	var code []byte
	for line := range strings.Lines(raw) {
		line, _, _ = strings.Cut(line, "#")
		for _, field := range strings.Fields(line) {
			code = appendRawField(t, path, code, field)
		}
	}
	return code
}

func appendRawField(t *testing.T, path string, code []byte, field string) []byte {
	if word, ok := strings.CutPrefix(field, "0x"); ok {
		v, err := strconv.ParseUint(word, 16, 64)
		if err != nil {
			t.Fatalf("%s: raw word %q: %v", path, field, err)
		}
		return binary.LittleEndian.AppendUint64(code, v)
	}
	b, err := strconv.ParseUint(field, 16, 8)
	if err != nil {
		t.Fatalf("%s: raw byte %q: %v", path, field, err)
	}
	return append(code, byte(b))
}

// decodeAndValidate is what a loader does with untrusted bytecode.
func decodeAndValidate(code []byte) error {
	insns, err := Decode(code)
	if err != nil {
		return err
	}
	return Validate(insns)
}

// acceptedOnPurpose lists negative corpus programs that RFC 9669 defines,
// with the reason the corpus disagrees.
var acceptedOnPurpose = map[string]string{
	"err-unknown-opcode.data": "0x06 is gotol (JMP32 JA, RFC 9669 §4.3); uBPF predates it",
}

// TestValidateRejectsCorpus runs every raw program that the bpf_conformance
// negative suite and uBPF's error suite say a loader must refuse.
func TestValidateRejectsCorpus(t *testing.T) {
	var files []string
	for _, pattern := range []string{
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "negative", "*.data"),
		filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "errors", "*.data"),
	} {
		matches, _ := filepath.Glob(pattern)
		files = append(files, matches...)
	}
	ran := 0
	for _, path := range files {
		code := rawSection(t, path)
		if code == nil {
			continue // an assembler test: ebpf/asm runs it
		}
		ran++
		err := decodeAndValidate(code)
		if why, ok := acceptedOnPurpose[filepath.Base(path)]; ok {
			if err != nil {
				t.Errorf("%s: %v; want it accepted: %s", filepath.Base(path), err, why)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted, want rejected", filepath.Base(path))
		} else {
			t.Logf("%s: %v", filepath.Base(path), err)
		}
	}
	if ran < 50 {
		t.Errorf("ran %d raw negative programs, want at least 50", ran)
	}
}

// TestValidateAcceptsCorpusRaw checks the positive tests that carry raw code.
func TestValidateAcceptsCorpusRaw(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests", "*.data"))
	for _, path := range files {
		if code := rawSection(t, path); code != nil {
			if err := decodeAndValidate(code); err != nil {
				t.Errorf("%s: %v", filepath.Base(path), err)
			}
		}
	}
}
