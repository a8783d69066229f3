package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// Options control how a layer is applied.
type Options struct {
	Limits Limits
	// Devices allows character and block device entries; the default
	// (from LayerOptions) is whether we run as root.
	Devices bool
	// Chown applies the entries' uid/gid (needs root).
	Chown bool
	// UserXattr marks opaque directories with user.overlay.opaque, the
	// format of overlay mounts with the userxattr option (rootless, in a
	// user namespace), instead of trusted.overlay.opaque (needs
	// CAP_SYS_ADMIN).
	UserXattr bool
}

// LayerOptions are the defaults for this process: devices and ownership
// only as root.
func LayerOptions() Options {
	root := os.Geteuid() == 0
	return Options{Devices: root, Chown: root}
}

// applier is the state of one layer being written into dir.
type applier struct {
	root    int // O_PATH descriptor of the layer's fs directory
	opts    Options
	written int64
	// ours holds the paths this layer created: a whiteout only hides
	// lower layers (image-spec layer.md), never an entry of its own layer.
	ours map[string]bool
	// dirs are the directory entries, whose times are set again at the
	// end: writing their children changed them.
	dirs []*tar.Header
}

// UnpackLayer applies the uncompressed tar stream r to the directory dir,
// which should be empty: regular files, directories, symlinks, hard links,
// fifos and (when allowed) devices are created, whiteouts become overlay
// whiteouts. The first bad entry stops it with an error naming the entry.
func UnpackLayer(dir string, r io.Reader, opts Options) error {
	root, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open layer directory %s: %w", dir, err)
	}
	defer unix.Close(root)
	a := &applier{root: root, opts: opts, ours: map[string]bool{}}
	a.opts.Limits = opts.Limits.orDefault()
	tr := tar.NewReader(r)
	for i := 0; ; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			return a.dirTimes()
		}
		if err != nil {
			return fmt.Errorf("tar entry %d: bad header: %w", i, err)
		}
		if i >= a.opts.Limits.Entries {
			return fmt.Errorf("tar entry %d %q: over the limit of %d entries", i, h.Name, a.opts.Limits.Entries)
		}
		if err := a.apply(h, tr); err != nil {
			return fmt.Errorf("tar entry %d %q: %w", i, h.Name, err)
		}
	}
}

// apply writes one entry.
func (a *applier) apply(h *tar.Header, r io.Reader) error {
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	name, err := cleanName(h.Name)
	if err != nil {
		return err
	}
	if err := checkHeader(h, a.opts.Limits, a.opts.Devices); err != nil {
		return err
	}
	dir, base := path.Split(name)
	if strings.HasPrefix(base, whiteoutPrefix) {
		return a.whiteout(path.Clean(dir), base)
	}
	if name == "." {
		if h.Typeflag != tar.TypeDir {
			return fmt.Errorf("the layer root must be a directory")
		}
		return nil
	}
	parent, err := mkdirBeneath(a.root, path.Clean(dir))
	if err != nil {
		return err
	}
	defer unix.Close(parent)
	// A directory over this layer's own whiteout replaces the lower one
	// whole: make it opaque.
	opaque := h.Typeflag == tar.TypeDir && isWhiteout(parent, base)
	if err := a.clear(parent, base, h.Typeflag == tar.TypeDir); err != nil {
		return err
	}
	if err := a.create(parent, base, h, r); err != nil {
		return err
	}
	a.ours[name] = true
	if h.Typeflag == tar.TypeDir {
		a.dirs = append(a.dirs, h)
	}
	if opaque {
		if err := a.opaque(name); err != nil {
			return err
		}
	}
	return a.setMeta(parent, base, h)
}

// clear makes room for a new entry: an existing non-directory (or a
// directory about to become something else) is removed; a directory that
// stays a directory is kept, as tar(1) does.
func (a *applier) clear(parent int, base string, isDir bool) error {
	var st unix.Stat_t
	if err := unix.Fstatat(parent, base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil
		}
		return err
	}
	wasDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	if wasDir && isDir {
		return nil
	}
	if !wasDir {
		return unix.Unlinkat(parent, base, 0)
	}
	return os.RemoveAll(fmt.Sprintf("/proc/self/fd/%d/%s", parent, base))
}

// create makes the entry itself, relative to its parent directory.
func (a *applier) create(parent int, base string, h *tar.Header, r io.Reader) error {
	perm := uint32(h.Mode) & 0o7777
	switch h.Typeflag {
	case tar.TypeDir:
		if err := unix.Mkdirat(parent, base, 0o700); err != nil && err != unix.EEXIST {
			return err
		}
		return nil
	case tar.TypeReg, tar.TypeGNUSparse: // archive/tar fills a sparse file's holes with zeros
		return a.writeFile(parent, base, h.Size, r)
	case tar.TypeSymlink:
		return unix.Symlinkat(h.Linkname, parent, base)
	case tar.TypeLink:
		return a.hardlink(parent, base, h.Linkname)
	case tar.TypeFifo:
		return unix.Mknodat(parent, base, unix.S_IFIFO|perm, 0)
	case tar.TypeChar:
		return unix.Mknodat(parent, base, unix.S_IFCHR|perm, int(unix.Mkdev(uint32(h.Devmajor), uint32(h.Devminor))))
	case tar.TypeBlock:
		return unix.Mknodat(parent, base, unix.S_IFBLK|perm, int(unix.Mkdev(uint32(h.Devmajor), uint32(h.Devminor))))
	}
	return fmt.Errorf("BUG: type %q passed checkHeader", h.Typeflag)
}

// writeFile copies exactly size bytes into a new file that must not exist
// (O_EXCL|O_NOFOLLOW: no symlink can be planted in between).
func (a *applier) writeFile(parent int, base string, size int64, r io.Reader) error {
	if a.written+size > a.opts.Limits.LayerSize {
		return fmt.Errorf("layer grows over the limit of %d bytes", a.opts.Limits.LayerSize)
	}
	fd, err := unix.Openat(parent, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), base)
	n, err := io.CopyN(f, r, size)
	a.written += n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("content (%d of %d bytes): %w", n, size, err)
	}
	return nil
}

// hardlink links base to another entry of this same layer; a target
// outside the layer, or reached through a symlink, is refused.
func (a *applier) hardlink(parent int, base, target string) error {
	t, err := cleanName(target)
	if err != nil {
		return fmt.Errorf("hard link target %q: %w", target, err)
	}
	if t == "." {
		return fmt.Errorf("hard link target %q is the layer root", target)
	}
	tdir, tbase := path.Split(t)
	tfd, err := openBeneath(a.root, path.Clean(tdir))
	if err != nil {
		return fmt.Errorf("hard link target %q: %w", target, err)
	}
	defer unix.Close(tfd)
	if err := unix.Linkat(tfd, tbase, parent, base, 0); err != nil {
		return fmt.Errorf("hard link to %q: %w", target, err)
	}
	return nil
}

// setMeta applies ownership, permissions and the modification time.
// Hard links share the target's inode and keep its metadata.
func (a *applier) setMeta(parent int, base string, h *tar.Header) error {
	if h.Typeflag == tar.TypeLink {
		return nil
	}
	if a.opts.Chown {
		if err := unix.Fchownat(parent, base, h.Uid, h.Gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("chown %d:%d: %w", h.Uid, h.Gid, err)
		}
	}
	if err := a.xattrs(parent, base, h); err != nil {
		return err
	}
	if h.Typeflag != tar.TypeSymlink {
		// After chown, which clears set-uid bits and file capabilities.
		if err := unix.Fchmodat(parent, base, uint32(h.Mode)&0o7777, 0); err != nil {
			return fmt.Errorf("chmod: %w", err)
		}
	}
	return unix.UtimesNanoAt(parent, base, times(h), unix.AT_SYMLINK_NOFOLLOW)
}

// dirTimes sets the directories' times last, deepest first.
func (a *applier) dirTimes() error {
	for i := len(a.dirs) - 1; i >= 0; i-- {
		h := a.dirs[i]
		name, _ := cleanName(h.Name)
		dir, base := path.Split(name)
		parent, err := openBeneath(a.root, path.Clean(dir))
		if err == nil {
			err = unix.UtimesNanoAt(parent, base, times(h), unix.AT_SYMLINK_NOFOLLOW)
			unix.Close(parent)
		}
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("directory %q: times: %w", h.Name, err)
		}
	}
	return nil
}

// times are the access and modification times of h for utimensat(2).
func times(h *tar.Header) []unix.Timespec {
	ts := []unix.Timespec{unix.NsecToTimespec(h.AccessTime.UnixNano()), unix.NsecToTimespec(h.ModTime.UnixNano())}
	if h.AccessTime.IsZero() {
		ts[0] = ts[1]
	}
	return ts
}
