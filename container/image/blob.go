package image

import (
	"bytes"
	_ "crypto/sha256" // digest algorithms go-digest verifies with
	_ "crypto/sha512"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// maxJSON bounds index, manifest and config blobs, which are small.
const maxJSON = 4 << 20

// blobPath is where a layout keeps the blob of d (image-layout.md
// "Blobs"): blobs/<algorithm>/<encoded>. Validate allows only the
// algorithm's alphabet in the encoded part, so no ".." or "/" gets in.
func blobPath(layout string, d digest.Digest) (string, error) {
	if err := d.Validate(); err != nil {
		return "", fmt.Errorf("digest %q: %w", d, err)
	}
	return filepath.Join(layout, "blobs", string(d.Algorithm()), d.Encoded()), nil
}

// verifyBlob reads the blob of desc once, end to end, and checks that its
// size and digest are the descriptor's.
func verifyBlob(layout string, desc ocispec.Descriptor) error {
	f, err := openBlob(layout, desc)
	if err != nil {
		return err
	}
	defer f.Close()
	return copyVerified(io.Discard, f, desc)
}

// openBlob opens the blob file of desc and checks its size.
func openBlob(layout string, desc ocispec.Descriptor) (*os.File, error) {
	p, err := blobPath(layout, desc.Digest)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", desc.Digest, err)
	}
	st, err := f.Stat()
	if err == nil && (!st.Mode().IsRegular() || st.Size() != desc.Size) {
		err = fmt.Errorf("blob %s: %d bytes on disk, descriptor says %d", desc.Digest, st.Size(), desc.Size)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// copyVerified copies at most desc.Size+1 bytes of r to w and checks the
// count and the digest.
func copyVerified(w io.Writer, r io.Reader, desc ocispec.Descriptor) error {
	v := newVerifier(desc)
	if _, err := io.Copy(io.MultiWriter(w, v), io.LimitReader(r, desc.Size+1)); err != nil {
		return fmt.Errorf("blob %s: %w", desc.Digest, err)
	}
	return v.check()
}

// verifier counts and hashes what is written to it; check compares both
// with the descriptor. desc.Digest must have passed Validate.
type verifier struct {
	desc ocispec.Descriptor
	h    hash.Hash
	n    int64
}

func newVerifier(desc ocispec.Descriptor) *verifier {
	return &verifier{desc: desc, h: desc.Digest.Algorithm().Hash()}
}

func (v *verifier) Write(p []byte) (int, error) {
	v.n += int64(len(p))
	return v.h.Write(p)
}

func (v *verifier) check() error {
	if v.n != v.desc.Size {
		return fmt.Errorf("blob %s: read %d bytes, descriptor says %d", v.desc.Digest, v.n, v.desc.Size)
	}
	if got := digest.NewDigest(v.desc.Digest.Algorithm(), v.h); got != v.desc.Digest {
		return fmt.Errorf("blob %s: digest mismatch: content hashes to %s", v.desc.Digest, got)
	}
	return nil
}

// readBlob returns a small blob's verified bytes.
func readBlob(layout string, desc ocispec.Descriptor) ([]byte, error) {
	if desc.Size < 0 || desc.Size > maxJSON {
		return nil, fmt.Errorf("blob %s: size %d is out of range for a JSON blob", desc.Digest, desc.Size)
	}
	f, err := openBlob(layout, desc)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if err := copyVerified(&b, f, desc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
