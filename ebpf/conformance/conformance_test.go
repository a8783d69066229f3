package conformance

import (
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestInterpreterConformance runs both corpora on the interpreter: every
// file passes or is skipped for a reason listed in Skips (or carries no
// program or result: ELF-loader and encoding tests).
func TestInterpreterConformance(t *testing.T) { runCorpora(t, Interpreter{}) }

// TestJITConformance runs the same corpora on the JIT, which must pass and
// skip exactly the files the interpreter does.
func TestJITConformance(t *testing.T) {
	want := map[string]Status{}
	for _, r := range runCorpora(t, Interpreter{}) {
		want[r.File] = r.Status
	}
	for _, r := range runCorpora(t, JIT{}) {
		if r.Status != want[r.File] {
			t.Errorf("%s: %s on the JIT, %s on the interpreter", r.File, r.Status, want[r.File])
		}
	}
}

func runCorpora(t *testing.T, e Engine) (all []Result) {
	t.Helper()
	for _, dir := range []string{
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests"),
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "negative"),
		filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests"),
	} {
		results, err := RunDir(e, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Status == Fail {
				t.Errorf("%s: %s", r.File, r.Detail)
			}
		}
		pass, fail, skip := Count(results)
		t.Logf("%s on %s: %d passed, %d failed, %d skipped", dir, e.Name(), pass, fail, skip)
		if pass == 0 {
			t.Errorf("%s: nothing passed", dir)
		}
		all = append(all, results...)
	}
	return all
}
