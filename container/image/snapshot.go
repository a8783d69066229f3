package image

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Snapshot is one unpacked layer, laid out like a containerd overlay
// snapshot: Dir/fs holds the files (an overlay lowerdir or upperdir),
// Dir/work is the overlay workdir when it is the upper.
type Snapshot struct {
	ID     int
	Dir    string
	Layer  digest.Digest // the blob, as stored
	DiffID digest.Digest // the uncompressed tar
}

// FS is the snapshot's file tree.
func (s Snapshot) FS() string { return filepath.Join(s.Dir, "fs") }

// Unpack resolves ref in the layout and writes each of its layers, bottom
// first, into a new snapshot under snapshots/ of root. On error the
// snapshots made so far are removed.
func Unpack(layout, ref, root string, opts Options) ([]Snapshot, error) {
	img, err := Resolve(layout, ref)
	if err != nil {
		return nil, err
	}
	var out []Snapshot
	for i, desc := range img.Manifest.Layers {
		s, err := unpackOne(layout, root, desc, img.Config.RootFS.DiffIDs[i], opts)
		if err != nil {
			removeSnapshots(out)
			return nil, fmt.Errorf("layer %d (%s): %w", i, desc.Digest, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func removeSnapshots(ss []Snapshot) {
	for _, s := range ss {
		os.RemoveAll(s.Dir)
	}
}

// unpackOne verifies the layer blob, then applies it into a new snapshot
// and checks the uncompressed stream against diffID.
func unpackOne(layout, root string, desc ocispec.Descriptor, diffID digest.Digest, opts Options) (Snapshot, error) {
	if err := diffID.Validate(); err != nil {
		return Snapshot{}, fmt.Errorf("diff_id %q: %w", diffID, err)
	}
	if err := verifyBlob(layout, desc); err != nil {
		return Snapshot{}, err
	}
	s, err := newSnapshot(root)
	if err != nil {
		return s, err
	}
	s.Layer, s.DiffID = desc.Digest, diffID
	if err := applyBlob(layout, desc, s, opts); err != nil {
		os.RemoveAll(s.Dir)
		return Snapshot{}, err
	}
	return s, nil
}

// applyBlob streams the blob through its decompressor into UnpackLayer,
// hashing it again on the way: the blob was verified before, but the file
// could have changed since.
func applyBlob(layout string, desc ocispec.Descriptor, s Snapshot, opts Options) error {
	f, err := openBlob(layout, desc)
	if err != nil {
		return err
	}
	defer f.Close()
	v := newVerifier(desc)
	src := io.TeeReader(io.LimitReader(f, desc.Size+1), v)
	r, err := decompress(desc.MediaType, src)
	if err != nil {
		return err
	}
	if err := applyStream(r, s, opts); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, src); err != nil {
		return fmt.Errorf("blob %s: %w", desc.Digest, err)
	}
	if err := v.check(); err != nil {
		return fmt.Errorf("changed while it was unpacked: %w", err)
	}
	return nil
}

// applyStream unpacks the uncompressed tar r into the snapshot and checks
// it against the diff_id.
func applyStream(r io.Reader, s Snapshot, opts Options) error {
	h := s.DiffID.Algorithm().Hash()
	tee := io.TeeReader(r, h)
	if err := UnpackLayer(s.FS(), tee, opts); err != nil {
		return err
	}
	// The diff_id covers the whole stream, tar padding included; more
	// than maxTrailer bytes after the end of the archive is a bomb.
	n, err := io.Copy(io.Discard, io.LimitReader(tee, maxTrailer+1))
	if err != nil {
		return fmt.Errorf("decompress: %w", err)
	}
	if n > maxTrailer {
		return fmt.Errorf("over %d bytes after the end of the tar archive", maxTrailer)
	}
	if got := digest.NewDigest(s.DiffID.Algorithm(), h); got != s.DiffID {
		return fmt.Errorf("uncompressed layer hashes to %s, config's diff_id is %s", got, s.DiffID)
	}
	return nil
}

// maxTrailer bounds what may follow the tar's end-of-archive blocks: tar(1)
// pads to its 10 KiB record, Docker and Go write no more than 1 KiB.
const maxTrailer = 1 << 20

// decompress picks the decompressor from the layer media type
// (image-spec layer.md; Docker's names too).
func decompress(mediaType string, r io.Reader) (io.Reader, error) {
	switch {
	case strings.HasSuffix(mediaType, "+gzip") || strings.HasSuffix(mediaType, ".gzip"):
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	case strings.HasSuffix(mediaType, "+zstd"):
		return nil, fmt.Errorf("media type %q: zstd layers are not supported yet", mediaType)
	case strings.HasSuffix(mediaType, ".tar"): // OCI's plain and non-distributable tars, Docker's
		return r, nil
	}
	return nil, fmt.Errorf("media type %q is not a layer type", mediaType)
}

// newSnapshot makes root/snapshots/N with fs and work, N one past the
// highest existing number (mkdir's EEXIST settles races).
func newSnapshot(root string) (Snapshot, error) {
	dir := filepath.Join(root, "snapshots")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Snapshot{}, err
	}
	for id := nextID(dir); ; id++ {
		s := Snapshot{ID: id, Dir: filepath.Join(dir, strconv.Itoa(id))}
		err := os.Mkdir(s.Dir, 0o700)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return s, err
		}
		if err := mkdirs(0o755, s.FS(), filepath.Join(s.Dir, "work")); err != nil {
			os.RemoveAll(s.Dir)
			return s, err
		}
		return s, nil
	}
}

func nextID(dir string) int {
	ents, _ := os.ReadDir(dir)
	max := 0
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil && n > max {
			max = n
		}
	}
	return max + 1
}

func mkdirs(perm os.FileMode, dirs ...string) error {
	for _, d := range dirs {
		if err := os.Mkdir(d, perm); err != nil {
			return err
		}
	}
	return nil
}
