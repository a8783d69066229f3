package hashring

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WritePlot draws the keys per node, before and (if the membership
// changed) after, with the mean as a dashed line, as a PNG at path.
func (r SimResult) WritePlot(path string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: keys per node (max/mean %.3f, rel. stddev %.3f)",
		r.Algorithm, r.Before.PeakToAvg, r.Before.RelStddev)
	p.X.Label.Text = "node (insertion order)"
	p.Y.Label.Text = "keys"
	if err := addLoads(p, "before", r.Before, color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}); err != nil {
		return err
	}
	if r.Changed {
		if err := addLoads(p, "after", r.After, color.RGBA{R: 0xd9, G: 0x5f, B: 0x0e, A: 0xff}); err != nil {
			return err
		}
	}
	p.Legend.Top = true
	if err := p.Save(16*vg.Centimeter, 9*vg.Centimeter, path); err != nil {
		return fmt.Errorf("hashring: saving plot %s: %w", path, err)
	}
	return nil
}

// addLoads draws one balance as points per node plus its mean line.
func addLoads(p *plot.Plot, label string, b Balance, c color.Color) error {
	pts := make(plotter.XYs, len(b.Order))
	for i, name := range b.Order {
		pts[i] = plotter.XY{X: float64(i), Y: float64(b.Loads[name])}
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("hashring: plot: %w", err)
	}
	sc.Color = c
	mean, err := plotter.NewLine(plotter.XYs{{X: 0, Y: b.Mean}, {X: float64(max(len(b.Order)-1, 1)), Y: b.Mean}})
	if err != nil {
		return fmt.Errorf("hashring: plot: %w", err)
	}
	mean.Color = c
	mean.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(sc, mean)
	p.Legend.Add(label, sc)
	return nil
}
