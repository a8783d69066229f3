package image

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Mount mounts an overlay at target (overlayfs.rst "Multiple lower
// layers"): lowers are the layer trees bottom first, as Unpack returns
// them, and go into lowerdir top first, the order overlayfs searches.
// With upper == "" the mount is read-only (one lower alone is a read-only
// bind mount); otherwise upper is a snapshot
// directory (like Snapshot.Dir) whose fs and work become upperdir and
// workdir, made if missing.
func Mount(target string, lowers []string, upper string) error {
	return Overlay{Lowers: lowers, Upper: upper}.Mount(target)
}

// Overlay describes an overlay mount; see Mount.
type Overlay struct {
	Lowers []string // bottom first
	Upper  string   // a snapshot directory, or "" for read-only
	// UserXattr reads opaque marks from user.overlay.* (the userxattr
	// option, for layers unpacked with Options.UserXattr).
	UserXattr bool
}

// Mount mounts the overlay at target.
func (o Overlay) Mount(target string) error {
	lowers, upper := o.Lowers, o.Upper
	if len(lowers) == 1 && upper == "" {
		return bindReadOnly(lowers[0], target)
	}
	data, err := overlayData(lowers, upper)
	if err != nil {
		return err
	}
	if o.UserXattr {
		data += ",userxattr"
	}
	var flags uintptr
	if upper == "" {
		flags = unix.MS_RDONLY
	}
	if err := unix.Mount("overlay", target, "overlay", flags, data); err != nil {
		return fmt.Errorf("mount overlay on %s (%s): %w", target, data, err)
	}
	return nil
}

// bindReadOnly stands in for an overlay of one lower layer and no upper,
// which overlayfs refuses (EINVAL: it needs two lowers without an upper):
// a bind mount, then a read-only remount of it (mount(2) MS_BIND).
func bindReadOnly(src, target string) error {
	if err := unix.Mount(src, target, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s on %s: %w", src, target, err)
	}
	if err := unix.Mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		unix.Unmount(target, unix.MNT_DETACH)
		return fmt.Errorf("remount %s read-only: %w", target, err)
	}
	return nil
}

// overlayData builds the mount options string.
func overlayData(lowers []string, upper string) (string, error) {
	if len(lowers) == 0 {
		return "", fmt.Errorf("overlay needs at least one lower layer")
	}
	top := make([]string, len(lowers))
	for i, l := range lowers {
		a, err := filepath.Abs(l)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(a, ",:") {
			return "", fmt.Errorf("lower layer %q: overlay options cannot hold ',' or ':'", a)
		}
		top[len(lowers)-1-i] = a
	}
	data := "lowerdir=" + strings.Join(top, ":")
	if upper != "" {
		u, err := filepath.Abs(upper)
		if err != nil {
			return "", err
		}
		up, work := filepath.Join(u, "fs"), filepath.Join(u, "work")
		if err := mkdirAll(up, work); err != nil {
			return "", err
		}
		data += ",upperdir=" + up + ",workdir=" + work
	}
	// mount(2) copies at most one page of options.
	if len(data) >= os.Getpagesize() {
		return "", fmt.Errorf("overlay options are %d bytes, over a page: too many or too long layer paths", len(data))
	}
	return data, nil
}

func mkdirAll(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// Unmount detaches the mount at target.
func Unmount(target string) error {
	if err := unix.Unmount(target, 0); err != nil {
		return fmt.Errorf("umount %s: %w", target, err)
	}
	return nil
}
