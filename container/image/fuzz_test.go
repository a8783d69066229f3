package image

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzUnpackLayer: arbitrary bytes as a layer never panic, hang or write
// outside the layer directory (a sibling directory stays empty).
func FuzzUnpackLayer(f *testing.F) {
	f.Add(mustTar(f, file("a", "x"), dir("d"), symlink("d/l", "/"), hardlink("h", "a")))
	f.Add(mustTar(f, symlink("l", "../out"), file("l/x", "y")))
	f.Add(mustTar(f, file("../out/x", "y"), file(".wh.a", ""), file("d/.wh..wh..opq", "")))
	f.Add([]byte("not a tar"))
	opts := Options{Limits: Limits{EntrySize: 1 << 20, LayerSize: 4 << 20, Entries: 256}}
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		fs, out := filepath.Join(parent, "fs"), filepath.Join(parent, "out")
		mkdirs(0o755, fs, out)
		UnpackLayer(fs, bytes.NewReader(data), opts)
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Fatalf("wrote outside the layer: %v", ents)
		}
		if ents, _ := os.ReadDir(parent); len(ents) != 2 {
			t.Fatalf("parent holds %d entries", len(ents))
		}
	})
}
