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

// FuzzResolve: any bytes as index.json of a layout that holds one valid
// image give an image or an error, never a panic.
func FuzzResolve(f *testing.F) {
	layout := filepath.Join(f.TempDir(), "layout")
	if _, err := WriteLayout(layout, "x", [][]byte{mustTar(f, file("a", "x"))}, true); err != nil {
		f.Fatal(err)
	}
	valid, err := os.ReadFile(filepath.Join(layout, "index.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, "x")
	f.Add([]byte(`{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:../../x","size":1}]}`), "")
	f.Add([]byte(`{"manifests":[{"digest":"md5:00","size":-1}]}`), "")
	f.Fuzz(func(t *testing.T, index []byte, ref string) {
		dir := t.TempDir()
		if err := os.Symlink(filepath.Join(layout, "blobs"), filepath.Join(dir, "blobs")); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
		os.WriteFile(filepath.Join(dir, "index.json"), index, 0o644)
		img, err := Resolve(dir, ref)
		if err == nil && len(img.Manifest.Layers) != len(img.Config.RootFS.DiffIDs) {
			t.Fatalf("resolved with %d layers, %d diff_ids", len(img.Manifest.Layers), len(img.Config.RootFS.DiffIDs))
		}
	})
}
