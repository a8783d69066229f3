package conformance

import (
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestInterpreterConformance runs both corpora on the interpreter: every
// file passes or is skipped for a reason listed in Skips (or carries no
// program or result: ELF-loader and encoding tests).
func TestInterpreterConformance(t *testing.T) {
	for _, dir := range []string{
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests"),
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "negative"),
		filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests"),
	} {
		results, err := RunDir(Interpreter{}, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Status == Fail {
				t.Errorf("%s: %s", r.File, r.Detail)
			}
		}
		pass, fail, skip := Count(results)
		t.Logf("%s: %d passed, %d failed, %d skipped", dir, pass, fail, skip)
		if pass == 0 {
			t.Errorf("%s: nothing passed", dir)
		}
	}
}
