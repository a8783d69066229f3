package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// scripted returns a contestant whose rounds return vals in turn and who
// appends its name to log each time it runs.
func scripted(name string, log *[]string, vals ...float64) Contestant {
	i := 0
	return Contestant{Name: name, Run: func() (float64, error) {
		*log = append(*log, name)
		v := vals[i%len(vals)]
		i++
		return v, nil
	}}
}

func TestMedianMinMax(t *testing.T) {
	for _, tc := range []struct {
		in            []float64
		med, min, max float64
	}{
		{[]float64{5, 1, 3, 2, 4}, 3, 1, 5},
		{[]float64{10, 2, 8, 4, 6, 100}, 7, 2, 100},
		{[]float64{7, 7, 7, 7, 7}, 7, 7, 7},
	} {
		s := summarize(tc.in)
		if s.Median != tc.med || s.Min != tc.min || s.Max != tc.max {
			t.Errorf("summarize(%v) = med %v min %v max %v, want %v %v %v", tc.in, s.Median, s.Min, s.Max, tc.med, tc.min, tc.max)
		}
		if !reflect.DeepEqual(s.Rounds, tc.in) {
			t.Errorf("summarize reordered the rounds: %v", s.Rounds)
		}
	}
}

func TestInterleavedOrder(t *testing.T) {
	var log []string
	w := Workload{Name: "w", Metric: "t", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("A", &log, 1), scripted("B", &log, 2), scripted("C", &log, 3)}}
	if _, err := Run("sys", []Workload{w}, Options{Warmup: 1, Rounds: 5}); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("ABC", 6) // one warm-up round + five measured
	if got := strings.Join(log, ""); got != want {
		t.Fatalf("run order %s, want %s", got, want)
	}
}

func TestWarmupDiscarded(t *testing.T) {
	var log []string
	w := Workload{Name: "w", Metric: "t", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("A", &log, 1000, 1, 1, 1, 1, 1)}}
	r, err := Run("sys", []Workload{w}, Options{Warmup: 1, Rounds: 5})
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Measured[0].Stats[0]; s.Max != 1 {
		t.Fatalf("warm-up value leaked into the rounds: %+v", s)
	}
}

func TestRatioDirection(t *testing.T) {
	var log []string
	lower := Workload{Name: "latency", Metric: "lookup", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("deepsys", &log, 50), scripted("peer", &log, 100)}}
	higher := Workload{Name: "throughput", Metric: "lookups", Unit: "Mops/s", Better: HigherIsBetter,
		Contestants: []Contestant{scripted("deepsys", &log, 200), scripted("peer", &log, 100)}}
	slower := Workload{Name: "slow", Metric: "lookup", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("deepsys", &log, 300), scripted("peer", &log, 100)}}
	r, err := Run("sys", []Workload{lower, higher, slower}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := r.Results()
	for i, want := range []struct {
		ratio float64
		wins  bool
	}{{0.5, true}, {2, true}, {3, false}} {
		if res[i].Ratio != want.ratio || res[i].Wins() != want.wins {
			t.Errorf("%s: ratio %v wins %v, want %v %v", res[i].Workload, res[i].Ratio, res[i].Wins(), want.ratio, want.wins)
		}
	}
}

func TestJSONSchema(t *testing.T) {
	var log []string
	w := Workload{Name: "lookup N=10", Metric: "lookup", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("deepsys", &log, 10), scripted("p1", &log, 20), scripted("p2", &log, 5)}}
	r, err := Run("hashring", []Workload{w}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		System  string           `json:"system"`
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.System != "hashring" || len(doc.Results) != 2 {
		t.Fatalf("got system %q with %d results, want hashring with 2", doc.System, len(doc.Results))
	}
	for _, key := range []string{"workload", "metric", "unit", "deepsys", "peer", "peer_value", "ratio", "better"} {
		if _, ok := doc.Results[0][key]; !ok {
			t.Errorf("result lacks key %q: %v", key, doc.Results[0])
		}
	}
	if doc.Results[1]["peer"] != "p2" || doc.Results[1]["ratio"] != 2.0 || doc.Results[1]["better"] != "lower" {
		t.Errorf("second result = %v", doc.Results[1])
	}
}

func TestMarkdownAndPNG(t *testing.T) {
	var log []string
	w := Workload{Name: "lookup", Metric: "lookup", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("deepsys", &log, 10), scripted("peer", &log, 20)}}
	r, err := Run("sys", []Workload{w}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| lookup | ns/op | 10.00 [10.00–10.00] | peer | 20.00 [20.00–20.00] | 0.50 | lower ✓ |") {
		t.Errorf("markdown:\n%s", md.String())
	}
	path := filepath.Join(t.TempDir(), "chart.png")
	if err := r.WritePNG(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	boom := errors.New("boom")
	ok := Contestant{Name: "ok", Run: func() (float64, error) { return 1, nil }}
	for name, tc := range map[string]struct {
		w   Workload
		opt Options
	}{
		"too few rounds":   {Workload{Name: "w", Better: LowerIsBetter, Contestants: []Contestant{ok}}, Options{Rounds: 3}},
		"no direction":     {Workload{Name: "w", Contestants: []Contestant{ok}}, Options{}},
		"no contestants":   {Workload{Name: "w", Better: LowerIsBetter}, Options{}},
		"nil run":          {Workload{Name: "w", Better: LowerIsBetter, Contestants: []Contestant{{Name: "x"}}}, Options{}},
		"contestant error": {Workload{Name: "w", Better: LowerIsBetter, Contestants: []Contestant{{Name: "x", Run: func() (float64, error) { return 0, boom }}}}, Options{}},
	} {
		if _, err := Run("sys", []Workload{tc.w}, tc.opt); err == nil {
			t.Errorf("%s: Run succeeded, want an error", name)
		}
	}
}

func TestNsPerOpAndPerSecond(t *testing.T) {
	calls := 0
	run := NsPerOp(1000, func(int) { calls++ })
	ns, err := run()
	if err != nil || calls != 1000 || ns <= 0 {
		t.Fatalf("NsPerOp: %v ns, %d calls, err %v", ns, calls, err)
	}
	rate, err := PerSecond(func() (float64, error) { return 50, nil })()
	if err != nil || rate != 20 {
		t.Fatalf("PerSecond(50 ns/op) = %v Mops/s, %v; want 20", rate, err)
	}
}

func TestContestantNamedWhenNotDeepsys(t *testing.T) {
	var log []string
	w := Workload{Name: "run", Metric: "t", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("deepsys interp", &log, 30), scripted("linux jit", &log, 10)}}
	r, err := Run("ebpf", []Workload{w}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if r.Results()[0].Contestant != "deepsys interp" || !strings.Contains(md.String(), "(deepsys interp)") {
		t.Fatalf("contestant not named:\n%s", md.String())
	}
}

// TestOverheadSubtracted: a contestant's Overhead runs right after its Run
// in every round; its figure is the per-round difference, and the gross
// and overhead medians reach the JSON and a second markdown table.
func TestOverheadSubtracted(t *testing.T) {
	var log []string
	a, b := scripted("A", &log, 100, 110, 120), scripted("B", &log, 50)
	a.Overhead = scripted("a", &log, 30, 30, 40).Run
	b.Overhead = scripted("b", &log, 10).Run
	w := Workload{Name: "w", Metric: "t", Unit: "ns/op", Better: LowerIsBetter, Contestants: []Contestant{a, b}}
	r, err := Run("sys", []Workload{w}, Options{Warmup: 1, Rounds: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(log, ""), strings.Repeat("AaBb", 6); got != want {
		t.Fatalf("run order %s, want %s", got, want)
	}
	s := r.Measured[0].Stats[0] // rounds 2-6 of A: 110-30, 120-40, 100-30, 110-30, 120-40
	if s.Median != 80 || s.Min != 70 || s.Max != 80 || s.Gross.Median != 110 || s.Overhead.Median != 30 {
		t.Fatalf("A: net %v [%v-%v], gross %v, overhead %v", s.Median, s.Min, s.Max, s.Gross.Median, s.Overhead.Median)
	}
	res := r.Results()[0]
	if res.Deepsys != 80 || res.PeerValue != 40 || res.Ratio != 2 || *res.DeepsysGross != 110 || *res.PeerOverhead != 10 {
		t.Fatalf("result %+v", res)
	}
	var js, md bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"deepsys_gross": 110`, `"deepsys_overhead": 30`, `"peer_gross": 50`, `"peer_overhead": 10`} {
		if !strings.Contains(js.String(), key) {
			t.Errorf("JSON lacks %s:\n%s", key, js.String())
		}
	}
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| w | A | ns/op | 110.0 [100.0–120.0] | 30.00 [30.00–40.00] | 80.00 [70.00–80.00] |") {
		t.Errorf("markdown lacks A's gross/overhead/net row:\n%s", md.String())
	}
}

// TestNoOverheadNoExtras: without Overhead nothing new appears.
func TestNoOverheadNoExtras(t *testing.T) {
	var log []string
	w := Workload{Name: "w", Metric: "t", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{scripted("deepsys", &log, 10), scripted("peer", &log, 20)}}
	r, err := Run("sys", []Workload{w}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var js, md bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), "gross") || strings.Contains(md.String(), "gross") {
		t.Errorf("gross figures without an Overhead:\n%s\n%s", js.String(), md.String())
	}
}

// TestGoalAndDerived: a goal is a row against "goal"; a derived figure is
// a workload of its own, right after its source, from the same rounds.
func TestGoalAndDerived(t *testing.T) {
	var log []string
	w := Workload{Name: "loop", Metric: "run", Unit: "ns/run", Better: LowerIsBetter, Goal: 100,
		Contestants: []Contestant{scripted("deepsys jit", &log, 90), scripted("deepsys interp", &log, 2000)},
		Derived:     []Derived{{Name: "loop per insn", Metric: "insn", Unit: "ns/insn", Contestant: 1, Per: 1000, Goal: 3}}}
	r, err := Run("sys", []Workload{w}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(log, ""); got != strings.Repeat("deepsys jitdeepsys interp", 6) {
		t.Fatalf("the derived figure was timed again: %s", got)
	}
	res := r.Results()
	if len(res) != 3 {
		t.Fatalf("%d results, want 3: %+v", len(res), res)
	}
	if g := res[1]; g.Peer != GoalName || g.PeerValue != 100 || g.Ratio != 0.9 || !g.Wins() {
		t.Errorf("goal row %+v", g)
	}
	if d := res[2]; d.Workload != "loop per insn" || d.Unit != "ns/insn" || d.Deepsys != 2 || d.Contestant != "deepsys interp" ||
		d.Peer != GoalName || d.PeerValue != 3 || !d.Wins() {
		t.Errorf("derived row %+v", d)
	}
	bad := w
	bad.Derived = []Derived{{Name: "x", Contestant: 2, Per: 1}}
	if _, err := Run("sys", []Workload{bad}, Options{}); err == nil {
		t.Error("a derived figure of a missing contestant was accepted")
	}
}

// TestGCBeforeEachTimedCall: the harness collects garbage before every
// Run and Overhead, so one contestant's garbage is not on the next one's
// time.
func TestGCBeforeEachTimedCall(t *testing.T) {
	var gcs []uint32
	numGC := func() (float64, error) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		gcs = append(gcs, ms.NumGC)
		return 1, nil
	}
	w := Workload{Name: "w", Metric: "t", Unit: "ns/op", Better: LowerIsBetter,
		Contestants: []Contestant{{Name: "A", Run: numGC, Overhead: numGC}, {Name: "B", Run: numGC}}}
	if _, err := Run("sys", []Workload{w}, Options{}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(gcs); i++ {
		if gcs[i] <= gcs[i-1] {
			t.Fatalf("no GC between timed calls %d and %d: %v", i-1, i, gcs)
		}
	}
}

// TestNoRatioOfNonPositiveNet: a net figure at or below 0 gives no ratio
// and no verdict.
func TestNoRatioOfNonPositiveNet(t *testing.T) {
	var log []string
	a, b := scripted("A", &log, 30), scripted("B", &log, 20)
	a.Overhead, b.Overhead = scripted("a", &log, 10).Run, scripted("b", &log, 25).Run
	w := Workload{Name: "w", Metric: "t", Unit: "ns/op", Better: LowerIsBetter, Contestants: []Contestant{a, b}}
	r, err := Run("sys", []Workload{w}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Results()[0]; res.PeerValue != -5 || res.Ratio != 0 {
		t.Fatalf("result %+v, want peer -5 and no ratio", res)
	}
	var md bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| B | -5.00 [-5.00–-5.00] | — | — |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

// TestCleanupRunsOnError: every workload's Cleanup runs once, also when a
// contestant fails.
func TestCleanupRunsOnError(t *testing.T) {
	var cleaned []string
	fail := Contestant{Name: "f", Run: func() (float64, error) { return 0, errors.New("boom") }}
	var log []string
	ws := []Workload{
		{Name: "a", Metric: "t", Unit: "ns", Better: LowerIsBetter, Contestants: []Contestant{fail},
			Cleanup: func() error { cleaned = append(cleaned, "a"); return nil }},
		{Name: "b", Metric: "t", Unit: "ns", Better: LowerIsBetter, Contestants: []Contestant{scripted("x", &log, 1)},
			Cleanup: func() error { cleaned = append(cleaned, "b"); return errors.New("cleanup failed") }},
	}
	_, err := Run("sys", ws, Options{})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "cleanup failed") {
		t.Fatalf("err %v, want both the round's and the cleanup's error", err)
	}
	if strings.Join(cleaned, "") != "ab" || len(log) != 0 {
		t.Fatalf("cleaned %v, ran %v: want both cleanups and no round of b", cleaned, log)
	}
}
