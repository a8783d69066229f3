package cost

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestTableTiny runs the whole table with tiny iteration counts: every row
// gets a positive figure from a real child. No timing is asserted.
func TestTableTiny(t *testing.T) {
	testenv.RequireRoot(t)
	tab, err := Measure(Config{Iters: 2000, SlowIters: 200}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 3+len(DefaultFilters())+4 {
		t.Fatalf("%d rows", len(tab.Rows))
	}
	for _, r := range tab.Rows {
		if r.NsPerCall <= 0 || len(r.Runs) < 5 {
			t.Errorf("%s: %.1f ns over %d runs", r.Name, r.NsPerCall, len(r.Runs))
		}
	}
	var md bytes.Buffer
	tab.Markdown(&md)
	t.Log("\n" + md.String())
	var js bytes.Buffer
	if err := tab.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back["table"] != "cost" {
		t.Fatalf("JSON %v: %s", err, js.String())
	}
}

func TestBadChildSpec(t *testing.T) {
	for _, spec := range []string{"", "getppid", "nope:10", "getppid:x", "getppid:0"} {
		if _, err := childRun(spec, ""); err == nil || !strings.Contains(err.Error(), envChild) {
			t.Errorf("spec %q: %v", spec, err)
		}
	}
	if _, err := childRun("getppid:10", "zz"); err == nil || !strings.Contains(err.Error(), envFilter) {
		t.Errorf("bad filter: %v", err)
	}
}

func TestLinearChainBounds(t *testing.T) {
	for _, n := range []int{0, 256} {
		if _, err := LinearChain(n, 1000, getppidNr); err == nil {
			t.Errorf("%d rules accepted", n)
		}
	}
	p, err := LinearChain(100, 1000, getppidNr)
	if err != nil || len(p) != 103 || len(Uncacheable(p)) != 104 {
		t.Fatalf("%d instructions, %v", len(p), err)
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"getppid:1000", "clock-vdso:1", "clock-syscall:99", "", ":", "getppid:-1", "x:1", "getppid:1:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		loop, n, err := parseSpec(spec)
		if err == nil && (loop == nil || n < 1 || n > maxIters) {
			t.Fatalf("%q accepted as %d iterations", spec, n)
		}
		if err != nil && !strings.Contains(err.Error(), envChild) {
			t.Fatalf("error %v does not name %s", err, envChild)
		}
	})
}
