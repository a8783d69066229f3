package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/hashring"
	"github.com/deepsys/deepsys/internal/testenv"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestHashringLookupMatchesVectors: `deepsys hashring lookup` prints the
// vector file's own lines for its first keys.
func TestHashringLookupMatchesVectors(t *testing.T) {
	dir := testenv.Corpus(t, "ketama-vectors")
	set := hashring.KetamaVectorSets[1] // libmemcached, weighted
	f, err := os.Open(filepath.Join(dir, set.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vectors, err := hashring.ReadVectors(f)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"hashring", "lookup", "--algo", set.Algorithm, "--servers", set.Servers}
	var want strings.Builder
	for _, v := range vectors[:200] {
		args = append(args, v.Key)
		want.WriteString(v.Key + "\t" + v.Server + "\n")
	}
	code, out, errs := runCLI(t, args...)
	if code != 0 || out != want.String() {
		t.Fatalf("exit %d (%s); output differs from %s", code, errs, set.File)
	}
}

func TestHashringSimulate(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "loads.png")
	code, out, errs := runCLI(t, "hashring", "simulate", "--algo", "anchor", "--nodes", "20", "--keys", "20000",
		"--remove", "3", "--add", "1", "--plot", plot)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"max/mean", "keys moved", "ns/op"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if st, err := os.Stat(plot); err != nil || st.Size() == 0 {
		t.Errorf("no plot: %v", err)
	}
}

func TestHashringBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"hashring", "simulate", "--algo", "nope"},
		{"hashring", "simulate", "--nodes", "0"},
		{"hashring", "lookup", "--servers", "10.0.0.1:11211:-3", "k"},
		{"hashring", "lookup", "--servers", "10.0.0.1:11211,10.0.0.1:11211", "k"},
		{"hashring", "lookup", "--servers", "", "k"},
		{"hashring", "lookup", "k"},
	} {
		code, _, errs := runCLI(t, args...)
		if code == 0 || !strings.HasPrefix(errs, "deepsys: ") {
			t.Errorf("%v: exit %d, stderr %q; want a clear error", args, code, errs)
		}
	}
}

func TestHashringShowcase(t *testing.T) {
	testenv.Corpus(t, "ketama-vectors")
	code, out, errs := runCLI(t, "hashring", "showcase")
	if code != 0 || !strings.Contains(out, "10000/10000 keys match") || !strings.Contains(out, "maglev") {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
}

func TestHashringBenchQuick(t *testing.T) {
	code, out, errs := runCLI(t, "hashring", "bench", "--quick")
	if code != 0 || !strings.Contains(out, "dgryski/go-jump") || !strings.Contains(out, "maglev lookup N=10") {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
}
