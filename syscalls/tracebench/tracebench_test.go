package tracebench

import (
	"math"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestWorkloadsRun runs every contestant of both workloads once, traced
// and untraced, on small sizes: each gives a finite, positive time.
func TestWorkloadsRun(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "strace")
	ws, err := Workloads(Config{Calls: 1000, FilteredCalls: 10000})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		for _, c := range w.Contestants {
			for name, f := range map[string]func() (float64, error){"run": c.Run, "overhead": c.Overhead} {
				v, err := f()
				if err != nil || !(v > 0) || math.IsInf(v, 0) {
					t.Errorf("%s / %s %s: %v, %v", w.Name, c.Name, name, v, err)
				}
			}
		}
	}
}
