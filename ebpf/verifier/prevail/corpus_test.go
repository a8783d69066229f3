package prevail

import (
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// corpusCases reads every case of the PREVAIL corpus.
func corpusCases(t *testing.T) []Case {
	t.Helper()
	dir := filepath.Join(testenv.Corpus(t, "prevail-test-data"), "test-data")
	cases, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestCorpus reads all 802 cases and translates each one's code and pre
// state, reporting the counts and every case that does not translate.
func TestCorpus(t *testing.T) {
	cases := corpusCases(t)
	if len(cases) != 802 {
		t.Errorf("read %d cases, want 802", len(cases))
	}
	assembled, unsupported := 0, map[string]int{}
	for i := range cases {
		c := &cases[i]
		if _, err := Translate(c); err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%v", err)
			}
			unsupported[err.Error()]++
			continue
		}
		assembled++
	}
	t.Logf("%d cases read, %d assemble", len(cases), assembled)
	var notes []string
	for k, v := range unsupported {
		notes = append(notes, strings.Repeat(" ", 2)+k+" x"+itoa(v))
	}
	sort.Strings(notes)
	t.Logf("not assembled:\n%s", strings.Join(notes, "\n"))
}

func itoa(n int) string {
	s := ""
	for ; n > 0 || s == ""; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
