package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Entry is one tar entry for TarLayer: the header and, for a regular
// file, its content (Size is set from Body).
type Entry struct {
	Header tar.Header
	Body   []byte
}

// TarLayer writes entries as an uncompressed tar.
func TarLayer(entries []Entry) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.Header
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.Body); err != nil {
			return nil, err
		}
	}
	err := tw.Close()
	return b.Bytes(), err
}

// WriteLayout writes an image layout at dir holding one image named ref
// whose layers are the given tars (bottom first), gzip'd when gz is set.
// It is how the tests build images; it returns the manifest descriptor.
func WriteLayout(dir, ref string, layers [][]byte, gz bool) (ocispec.Descriptor, error) {
	cfg := ocispec.Image{Platform: ocispec.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}}
	cfg.RootFS.Type = "layers"
	m := ocispec.Manifest{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: ocispec.MediaTypeImageManifest}
	for _, l := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, digest.FromBytes(l))
		mt, blob := ocispec.MediaTypeImageLayer, l
		if gz {
			mt, blob = ocispec.MediaTypeImageLayerGzip, gzipBytes(l)
		}
		d, err := writeBlob(dir, mt, blob)
		if err != nil {
			return d, err
		}
		m.Layers = append(m.Layers, d)
	}
	var err error
	if m.Config, err = writeJSONBlob(dir, ocispec.MediaTypeImageConfig, cfg); err != nil {
		return m.Config, err
	}
	md, err := writeJSONBlob(dir, ocispec.MediaTypeImageManifest, m)
	if err != nil {
		return md, err
	}
	md.Annotations = map[string]string{ocispec.AnnotationRefName: ref}
	idx := ocispec.Index{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: ocispec.MediaTypeImageIndex, Manifests: []ocispec.Descriptor{md}}
	if err := writeJSON(filepath.Join(dir, ocispec.ImageIndexFile), idx); err != nil {
		return md, err
	}
	return md, writeJSON(filepath.Join(dir, ocispec.ImageLayoutFile), ocispec.ImageLayout{Version: ocispec.ImageLayoutVersion})
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func writeBlob(dir, mediaType string, b []byte) (ocispec.Descriptor, error) {
	d := ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(b), Size: int64(len(b))}
	p := filepath.Join(dir, "blobs", string(d.Digest.Algorithm()), d.Digest.Encoded())
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return d, err
	}
	return d, os.WriteFile(p, b, 0o644)
}

func writeJSONBlob(dir, mediaType string, v any) (ocispec.Descriptor, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return writeBlob(dir, mediaType, b)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
