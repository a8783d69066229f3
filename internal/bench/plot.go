package bench

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WritePNG draws one bar per (workload, peer): the ratio deepsys/peer,
// oriented so that a bar above the line at 1 is always a deepsys win (for
// lower-is-better metrics the chart shows peer/deepsys, the speed-up).
func (r *Report) WritePNG(path string) error {
	results := r.withPeers()
	if len(results) == 0 {
		return fmt.Errorf("bench: %s has no peer results to plot", r.System)
	}
	p := plot.New()
	p.Title.Text = r.System + ": deepsys advantage over each peer (>1 = deepsys better)"
	p.Y.Label.Text = "advantage (x)"
	values := make(plotter.Values, len(results))
	labels := make([]string, len(results))
	for i, res := range results {
		values[i] = advantage(res)
		labels[i] = res.Workload + "\nvs " + res.Peer
	}
	bars, err := plotter.NewBarChart(values, vg.Points(18))
	if err != nil {
		return fmt.Errorf("bench: plot: %w", err)
	}
	bars.Color = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}
	parity, err := oneLine(len(results))
	if err != nil {
		return err
	}
	p.Add(bars, parity)
	p.NominalX(labels...)
	width := vg.Length(len(results))*vg.Centimeter*1.6 + 6*vg.Centimeter
	if err := p.Save(width, 10*vg.Centimeter, path); err != nil {
		return fmt.Errorf("bench: saving %s: %w", path, err)
	}
	return nil
}

func (r *Report) withPeers() []Result {
	var out []Result
	for _, res := range r.Results() {
		if res.Peer != "" && res.Ratio > 0 {
			out = append(out, res)
		}
	}
	return out
}

// advantage is how many times better deepsys is (1 = tie).
func advantage(res Result) float64 {
	if res.Better == LowerIsBetter {
		return 1 / res.Ratio
	}
	return res.Ratio
}

// oneLine is the y = 1 parity line across n bars.
func oneLine(n int) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 1}, {X: float64(n) - 0.5, Y: 1}})
	if err != nil {
		return nil, fmt.Errorf("bench: plot: %w", err)
	}
	l.Color = color.RGBA{R: 0xc0, A: 0xff}
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	return l, nil
}
