package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Report is the outcome of Run for one system.
type Report struct {
	System   string
	Rounds   int
	Measured []Measured
}

// Result is one row of the DESIGN.md schema: deepsys against one peer on
// one workload. Ratio is deepsys/peer of the medians.
type Result struct {
	Workload  string  `json:"workload"`
	Metric    string  `json:"metric"`
	Unit      string  `json:"unit"`
	Deepsys   float64 `json:"deepsys"`
	Peer      string  `json:"peer"`
	PeerValue float64 `json:"peer_value"`
	Ratio     float64 `json:"ratio"`
	Better    Better  `json:"better"`
	// Contestant names which of deepsys's engines the deepsys figure is
	// (an interpreter, a JIT) when a system has several; empty when the
	// first contestant is simply "deepsys".
	Contestant string `json:"contestant,omitempty"`
	// Spread, beyond the schema's required keys.
	DeepsysMin float64 `json:"deepsys_min"`
	DeepsysMax float64 `json:"deepsys_max"`
	PeerMin    float64 `json:"peer_min"`
	PeerMax    float64 `json:"peer_max"`
	// For a contestant with an Overhead, Deepsys and PeerValue are net
	// figures (median of per-round gross - overhead); these are the medians
	// of the gross and overhead values themselves. Absent otherwise.
	DeepsysGross    *float64 `json:"deepsys_gross,omitempty"`
	DeepsysOverhead *float64 `json:"deepsys_overhead,omitempty"`
	PeerGross       *float64 `json:"peer_gross,omitempty"`
	PeerOverhead    *float64 `json:"peer_overhead,omitempty"`
}

// Wins reports whether deepsys beat (or tied) the peer in this result.
func (r Result) Wins() bool {
	if r.Better == HigherIsBetter {
		return r.Ratio >= 1
	}
	return r.Ratio <= 1
}

// Results flattens the report to one Result per (workload, peer), and one
// against GoalName for a workload with a Goal. A workload with neither
// yields one row with an empty Peer and ratio 0.
func (r *Report) Results() []Result {
	var out []Result
	for _, m := range r.Measured {
		w, d := m.Workload, m.Stats[0]
		base := Result{Workload: w.Name, Metric: w.Metric, Unit: w.Unit, Better: w.Better,
			Deepsys: d.Median, DeepsysMin: d.Min, DeepsysMax: d.Max}
		base.DeepsysGross, base.DeepsysOverhead = medians(d)
		if name := w.Contestants[0].Name; name != DeepsysName {
			base.Contestant = name
		}
		if len(m.Stats) == 1 && w.Goal == 0 {
			out = append(out, base)
		}
		for i, p := range m.Stats[1:] {
			res := base
			res.Peer = w.Contestants[i+1].Name
			res.PeerValue, res.PeerMin, res.PeerMax = p.Median, p.Min, p.Max
			res.PeerGross, res.PeerOverhead = medians(p)
			res.Ratio = ratio(d.Median, p.Median)
			out = append(out, res)
		}
		if w.Goal != 0 {
			res := base
			res.Peer, res.PeerValue, res.PeerMin, res.PeerMax = GoalName, w.Goal, w.Goal, w.Goal
			res.Ratio = ratio(d.Median, w.Goal)
			out = append(out, res)
		}
	}
	return out
}

// ratio is ours/peer, or 0 (no ratio) unless both are positive: a net
// figure (Contestant.Overhead) at or below 0 is a program too short to
// tell from the noise of the two figures it is the difference of, and
// dividing by it would print a win or a loss that is neither.
func ratio(ours, peer float64) float64 {
	if ours <= 0 || peer <= 0 {
		return 0
	}
	return ours / peer
}

// medians are the gross and overhead medians of s, nil without overhead.
func medians(s Stats) (gross, overhead *float64) {
	if s.Gross == nil || s.Overhead == nil {
		return nil, nil
	}
	g, o := s.Gross.Median, s.Overhead.Median
	return &g, &o
}

// jsonReport is the file format of --json.
type jsonReport struct {
	System  string   `json:"system"`
	Rounds  int      `json:"rounds"`
	Results []Result `json:"results"`
}

// WriteJSON writes the report in the DESIGN.md schema.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{System: r.System, Rounds: r.Rounds, Results: r.Results()})
}

// WriteJSONFile writes the JSON report to path.
func (r *Report) WriteJSONFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := r.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("bench: writing %s: %w", path, err)
	}
	return f.Close()
}

// WriteMarkdown writes one table: workload, deepsys median [min-max], peer,
// peer median [min-max], ratio and how to read it; then, if any contestant
// has an Overhead, a second table of its gross, overhead and net medians.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s (median of %d interleaved rounds; ratio = deepsys / peer)\n\n", r.System, r.Rounds)
	b.WriteString("| workload | unit | deepsys | peer | peer value | ratio | better |\n")
	b.WriteString("|---|---|---:|---|---:|---:|---|\n")
	for _, res := range r.Results() {
		verdict := "—"
		if res.Peer != "" && res.Ratio != 0 {
			verdict = fmt.Sprintf("%s %s", res.Better, map[bool]string{true: "✓", false: "✗"}[res.Wins()])
		}
		ours := spread(res.Deepsys, res.DeepsysMin, res.DeepsysMax)
		if res.Contestant != "" {
			ours += " (" + res.Contestant + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", res.Workload, res.Unit, ours, orDash(res.Peer),
			peerCell(res), ratioCell(res), verdict)
	}
	r.writeOverheads(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeOverheads writes the gross/overhead/net table, if there is one.
func (r *Report) writeOverheads(b *strings.Builder) {
	header := false
	for _, m := range r.Measured {
		for c, s := range m.Stats {
			if s.Gross == nil || s.Overhead == nil {
				continue
			}
			if !header {
				b.WriteString("\nFigures above are net: per round, the contestant's gross figure less its overhead (the same\n")
				b.WriteString("measurement of an empty operation, taken right after it); medians of each:\n\n")
				b.WriteString("| workload | contestant | unit | gross | overhead | net |\n|---|---|---|---:|---:|---:|\n")
				header = true
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", m.Workload.Name, m.Workload.Contestants[c].Name,
				m.Workload.Unit, spread(s.Gross.Median, s.Gross.Min, s.Gross.Max),
				spread(s.Overhead.Median, s.Overhead.Min, s.Overhead.Max), spread(s.Median, s.Min, s.Max))
		}
	}
}

func spread(med, lo, hi float64) string {
	return fmt.Sprintf("%s [%s–%s]", num(med), num(lo), num(hi))
}

func peerCell(r Result) string {
	switch r.Peer {
	case "":
		return "—"
	case GoalName:
		return num(r.PeerValue)
	}
	return spread(r.PeerValue, r.PeerMin, r.PeerMax)
}

func ratioCell(r Result) string {
	if r.Peer == "" || r.Ratio == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", r.Ratio)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// num prints with 3 significant digits, without exponent for the ranges
// benchmarks produce.
func num(v float64) string {
	switch a := abs(v); {
	case a >= 1000:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
