package image

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// The AUFS-style markers of image-spec layer.md "Whiteouts".
const (
	whiteoutPrefix = ".wh."
	whiteoutMeta   = ".wh..wh." // AUFS bookkeeping; only .opq has a meaning
	whiteoutOpaque = ".wh..wh..opq"
	// opaqueXattr marks a directory whose lower contents overlayfs hides
	// (Documentation/filesystems/overlayfs.rst "whiteouts and opaque
	// directories"); userOpaqueXattr is its name under the userxattr
	// mount option ("User xattr").
	opaqueXattr     = "trusted.overlay.opaque"
	userOpaqueXattr = "user.overlay.opaque"
)

// whiteout applies a marker entry named base in directory dir.
func (a *applier) whiteout(dir, base string) error {
	switch {
	case base == whiteoutOpaque:
		return a.opaque(dir)
	case strings.HasPrefix(base, whiteoutMeta):
		return nil // .wh..wh.plnk and friends: AUFS hard-link storage, unused
	}
	name := strings.TrimPrefix(base, whiteoutPrefix)
	if name == "" || name == "." || name == ".." {
		return fmt.Errorf("whiteout of %q is not a name", name)
	}
	target := path.Join(dir, name)
	if a.ours[target] {
		return nil // hides lower layers only; this layer's entry stays
	}
	parent, err := mkdirBeneath(a.root, dir)
	if err != nil {
		return err
	}
	defer unix.Close(parent)
	if err := a.clear(parent, name, false); err != nil {
		return err
	}
	// An overlay whiteout is a character device 0/0; creating one needs
	// no CAP_MKNOD (fs/namei.c vfs_mknod, is_whiteout).
	if err := unix.Mknodat(parent, name, unix.S_IFCHR, 0); err != nil {
		return fmt.Errorf("whiteout %s: %w", target, err)
	}
	return nil
}

// opaque marks dir so that overlayfs shows none of its lower contents.
func (a *applier) opaque(dir string) error {
	fd, err := mkdirBeneath(a.root, dir)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	p := fmt.Sprintf("/proc/self/fd/%d", fd)
	x := opaqueXattr
	if a.opts.UserXattr {
		x = userOpaqueXattr
	}
	if err := unix.Setxattr(p, x, []byte("y"), 0); err != nil {
		if errors.Is(err, unix.EPERM) {
			return fmt.Errorf("opaque directory %s: setting %s needs CAP_SYS_ADMIN (Options.UserXattr for rootless): %w", dir, x, err)
		}
		return fmt.Errorf("opaque directory %s: %w", dir, err)
	}
	return nil
}

// isWhiteout reports whether base in parent is an overlay whiteout.
func isWhiteout(parent int, base string) bool {
	var st unix.Stat_t
	err := unix.Fstatat(parent, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	return err == nil && st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
}
