package image

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"
)

// Limits bound what one layer may make, so that a hostile or corrupt tar
// fails with an error instead of filling the disk. Zero fields take the
// defaults in DefaultLimits.
type Limits struct {
	EntrySize int64 // largest regular file, in bytes
	LayerSize int64 // sum of all regular files, in bytes
	Entries   int   // number of tar entries
}

// DefaultLimits are generous for real images (the largest distro layers are
// a few GiB) and still stop a tar that claims terabytes.
var DefaultLimits = Limits{EntrySize: 16 << 30, LayerSize: 64 << 30, Entries: 1 << 20}

func (l Limits) orDefault() Limits {
	if l.EntrySize <= 0 {
		l.EntrySize = DefaultLimits.EntrySize
	}
	if l.LayerSize <= 0 {
		l.LayerSize = DefaultLimits.LayerSize
	}
	if l.Entries <= 0 {
		l.Entries = DefaultLimits.Entries
	}
	return l
}

// maxName is PATH_MAX: no entry name or link target may be longer.
const maxName = 4096

// cleanName turns a tar entry name into a clean slash-separated path
// relative to the layer root ("." for the root itself). A leading "/" is
// dropped, as tar(1) does; a name that climbs out of the layer with ".."
// is an error.
func cleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("empty name")
	case len(name) > maxName:
		return "", fmt.Errorf("name is %d bytes, over PATH_MAX", len(name))
	case strings.IndexByte(name, 0) >= 0:
		return "", fmt.Errorf("name holds a NUL byte")
	}
	c := path.Clean(strings.TrimLeft(name, "/"))
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("name climbs out of the layer through \"..\": refused")
	}
	return c, nil
}

// checkHeader applies the limits and the type rules to one header before
// anything is written.
func checkHeader(h *tar.Header, l Limits, devices bool) error {
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeGNUSparse, tar.TypeDir, tar.TypeSymlink, tar.TypeLink, tar.TypeFifo:
	case tar.TypeChar, tar.TypeBlock:
		if !devices {
			return fmt.Errorf("device file (%d:%d) refused: creating devices needs root", h.Devmajor, h.Devminor)
		}
	default:
		return fmt.Errorf("unsupported tar type %q", h.Typeflag)
	}
	if h.Size < 0 || h.Size > l.EntrySize {
		return fmt.Errorf("size %d is over the limit of %d bytes", h.Size, l.EntrySize)
	}
	if len(h.Linkname) > maxName || strings.IndexByte(h.Linkname, 0) >= 0 {
		return fmt.Errorf("bad link target")
	}
	for k := range h.PAXRecords {
		if name := strings.TrimPrefix(k, paxXattr); name != k && overlayXattr(name) {
			return fmt.Errorf("xattr %s refused: it would steer overlayfs", name)
		}
	}
	return nil
}
