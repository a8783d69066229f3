package image

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Image is a resolved image: its manifest and config, read and verified.
type Image struct {
	Manifest ocispec.Manifest
	Config   ocispec.Image
}

// Resolve finds ref in the layout's index.json (by the
// org.opencontainers.image.ref.name annotation; an empty ref takes the only
// manifest) and reads its manifest and config.
func Resolve(layout, ref string) (*Image, error) {
	if err := checkLayoutFile(layout); err != nil {
		return nil, err
	}
	var idx ocispec.Index
	if err := readJSONFile(filepath.Join(layout, ocispec.ImageIndexFile), &idx); err != nil {
		return nil, err
	}
	desc, err := pickRef(idx, ref)
	if err != nil {
		return nil, err
	}
	if desc.MediaType == ocispec.MediaTypeImageIndex {
		if desc, err = pickPlatform(layout, desc); err != nil {
			return nil, err
		}
	}
	return readImage(layout, desc)
}

// checkLayoutFile checks the oci-layout marker (image-layout.md).
func checkLayoutFile(layout string) error {
	var l ocispec.ImageLayout
	if err := readJSONFile(filepath.Join(layout, ocispec.ImageLayoutFile), &l); err != nil {
		return err
	}
	if l.Version != ocispec.ImageLayoutVersion {
		return fmt.Errorf("%s: imageLayoutVersion %q, want %q", ocispec.ImageLayoutFile, l.Version, ocispec.ImageLayoutVersion)
	}
	return nil
}

// pickRef returns the index entry named ref.
func pickRef(idx ocispec.Index, ref string) (ocispec.Descriptor, error) {
	if ref == "" && len(idx.Manifests) == 1 {
		return idx.Manifests[0], nil
	}
	var names []string
	for _, d := range idx.Manifests {
		name := d.Annotations[ocispec.AnnotationRefName]
		if name == ref {
			return d, nil
		}
		names = append(names, name)
	}
	return ocispec.Descriptor{}, fmt.Errorf("index.json: no manifest named %q (have %q)", ref, names)
}

// pickPlatform descends a nested index to this machine's platform.
func pickPlatform(layout string, desc ocispec.Descriptor) (ocispec.Descriptor, error) {
	var idx ocispec.Index
	if err := readJSONBlob(layout, desc, &idx); err != nil {
		return desc, err
	}
	for _, d := range idx.Manifests {
		if p := d.Platform; p != nil && p.OS == runtime.GOOS && p.Architecture == runtime.GOARCH {
			return d, nil
		}
	}
	return desc, fmt.Errorf("index %s: no manifest for %s/%s", desc.Digest, runtime.GOOS, runtime.GOARCH)
}

// readImage reads and checks a manifest and its config.
func readImage(layout string, desc ocispec.Descriptor) (*Image, error) {
	if desc.MediaType != ocispec.MediaTypeImageManifest && desc.MediaType != mediaTypeDockerManifest {
		return nil, fmt.Errorf("manifest %s: media type %q is not an image manifest", desc.Digest, desc.MediaType)
	}
	img := &Image{}
	if err := readJSONBlob(layout, desc, &img.Manifest); err != nil {
		return nil, err
	}
	if err := readJSONBlob(layout, img.Manifest.Config, &img.Config); err != nil {
		return nil, err
	}
	if n, m := len(img.Manifest.Layers), len(img.Config.RootFS.DiffIDs); n != m {
		return nil, fmt.Errorf("manifest %s has %d layers, config %s has %d diff_ids", desc.Digest, n, img.Manifest.Config.Digest, m)
	}
	return img, nil
}

// mediaTypeDockerManifest is the Docker v2 schema 2 manifest, which has
// the same shape and still fills many layouts.
const mediaTypeDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"

func readJSONBlob(layout string, desc ocispec.Descriptor, v any) error {
	b, err := readBlob(layout, desc)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("blob %s (%s): %w", desc.Digest, desc.MediaType, err)
	}
	return nil
}

func readJSONFile(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxJSON))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
