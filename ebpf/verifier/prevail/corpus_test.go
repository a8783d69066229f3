package prevail

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
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
	assembled, pre, post, postLines, accept, safe, exceptions := 0, 0, 0, 0, 0, 0, 0
	unsupported, invalid, valid := map[string]int{}, map[string]int{}, 0
	for i := range cases {
		c := &cases[i]
		if _, err := c.Flags(); err != nil {
			t.Error(err)
		}
		if _, err := PreStateOf(c); err != nil {
			t.Errorf("%v", err)
		} else {
			pre++
		}
		if _, err := PostStateOf(c); err != nil {
			t.Errorf("%v", err)
		}
		ok := true
		for _, p := range c.Post {
			if _, err := ParseConstraint(p); err != nil {
				t.Errorf("%s: post: %v", c, err)
				ok = false
			}
			postLines++
		}
		if ok {
			post++
		}
		for _, o := range c.Observe {
			for _, oc := range o.Constraints {
				if _, err := ParseConstraint(oc); err != nil && c.ExpectedException == "" {
					t.Errorf("%s: observe: %v", c, err)
				}
			}
		}
		if c.ExpectedException != "" {
			exceptions++
		}
		if c.ExpectAccept() {
			accept++
		}
		if c.ExpectSafe() {
			safe++
		}
		for _, m := range c.ParsedMessages() {
			if m.Label == "" && m.Text == m.Raw && !strings.Contains(m.Raw, "call stack") && !strings.Contains(m.Raw, "map index") {
				t.Errorf("%s: message %q has no label", c, m.Raw)
			}
		}
		prog, err := Translate(c)
		if err == nil {
			if verr := ebpf.Validate(prog.Insns); verr != nil {
				var ie *ebpf.InvalidError
				if errors.As(verr, &ie) {
					_, why, _ := strings.Cut(ie.Reason, "): ") // drop the opcode
					invalid[why]++
				}
			} else {
				valid++
			}
		}
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%v", err)
			}
			unsupported[err.Error()]++
			continue
		}
		assembled++
	}
	t.Logf("%d cases read, %d assemble, %d pre-states translate, %d posts parse (%d lines)", len(cases), assembled,
		pre, post, postLines)
	t.Logf("expected verdicts: %d accept (no message), %d safe (no message but unreachable-code notes); "+
		"%d cases test PREVAIL's own input checks (expected-exception)", accept, safe, exceptions)
	var reasons []string
	for k, v := range invalid {
		reasons = append(reasons, fmt.Sprintf("  %s (x%d)", k, v))
	}
	sort.Strings(reasons)
	t.Logf("%d programs pass ebpf.Validate; the others, by reason (PREVAIL's runner does not ask for an exit, "+
		"and lddw with a map is resolved by a loader):\n%s", valid, strings.Join(reasons, "\n"))
	var notes []string
	for k, v := range unsupported {
		notes = append(notes, fmt.Sprintf("  %s (x%d)", k, v))
	}
	sort.Strings(notes)
	t.Logf("not assembled:\n%s", strings.Join(notes, "\n"))
}
