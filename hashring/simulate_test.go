package hashring

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestSimulateJumpRemoveAddIsMinimal(t *testing.T) {
	r, err := Simulate(SimConfig{Algorithm: "jump", Nodes: 50, Keys: 20000, Remove: 49, Add: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Jump hash hands the removed last bucket's keys to the new last bucket:
	// exactly the removed node's keys move, which is also the ideal.
	if !r.Changed || r.Moved != r.Before.Loads["node-49"] {
		t.Fatalf("moved %d keys, node-49 had %d", r.Moved, r.Before.Loads["node-49"])
	}
	if d := r.MovedPercent - r.IdealMovedPercent; d < -0.5 || d > 0.5 {
		t.Fatalf("moved %.2f%%, ideal %.2f%%", r.MovedPercent, r.IdealMovedPercent)
	}
	if r.Before.PeakToAvg < 1 || r.Before.RelStddev <= 0 || r.LookupNs <= 0 {
		t.Fatalf("implausible figures %+v", r.Before)
	}
}

func TestSimulateAddOnly(t *testing.T) {
	r, err := Simulate(SimConfig{Algorithm: "anchor", Nodes: 9, Keys: 30000, Remove: -1, Add: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.IdealMovedPercent != 10 || r.MovedPercent < 8 || r.MovedPercent > 12 {
		t.Fatalf("adding a 10th node moved %.2f%% (ideal %.2f%%)", r.MovedPercent, r.IdealMovedPercent)
	}
	if r.After.Loads["node-9"] != r.Moved {
		t.Fatalf("moved %d keys but the new node has %d", r.Moved, r.After.Loads["node-9"])
	}
}

func TestSimulatePlot(t *testing.T) {
	r, err := Simulate(SimConfig{Algorithm: "maglev", Nodes: 20, Keys: 5000, Remove: 3, Add: 2})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "loads.png")
	if err := r.WritePlot(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
}

func TestSimulateBadConfig(t *testing.T) {
	for _, c := range []SimConfig{
		{Algorithm: "ring", Nodes: 0, Keys: 10, Remove: -1},
		{Algorithm: "ring", Nodes: 5, Keys: 0, Remove: -1},
		{Algorithm: "ring", Nodes: 5, Keys: 10, Remove: 5},
		{Algorithm: "ring", Nodes: 5, Keys: 10, Remove: -1, Add: -1},
	} {
		if _, err := Simulate(c); !errors.Is(err, ErrBadOption) {
			t.Errorf("Simulate(%+v) = %v, want ErrBadOption", c, err)
		}
	}
	if _, err := Simulate(SimConfig{Algorithm: "nope", Nodes: 5, Keys: 10, Remove: -1}); !errors.Is(err, ErrUnknownAlgo) {
		t.Errorf("unknown algorithm: %v", err)
	}
	if _, err := Simulate(SimConfig{Algorithm: "jump", Nodes: 5, Keys: 10, Remove: 1}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("jump removing a middle node: %v", err)
	}
}
