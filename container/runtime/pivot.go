package runtime

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// pivotRoot makes rootfs the root of this mount namespace:
//  1. chdir(rootfs); pivot_root(".", "."): the old root is stacked on
//     top of the new one at the same place (pivot_root(2) NOTES, "new_root
//     and put_old may be the same directory");
//  2. the old root is made rslave, so its unmount does not propagate to
//     the host, and detached with umount2(".", MNT_DETACH);
//  3. chdir("/").
//
// An initramfs root cannot be pivoted (EINVAL); then the rootfs is moved
// over / with MS_MOVE and chroot(".") follows, as runc's --no-pivot.
func pivotRoot(rootfs string) error {
	if err := unix.Chdir(rootfs); err != nil {
		return fmt.Errorf("chdir %s: %w", rootfs, err)
	}
	if err := unix.PivotRoot(".", "."); errors.Is(err, unix.EINVAL) {
		return moveRoot(rootfs)
	} else if err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("old root rslave: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the old root: %w", err)
	}
	return unix.Chdir("/")
}

// moveRoot is the fallback of pivotRoot: mount --move rootfs / ; chroot.
func moveRoot(rootfs string) error {
	if err := unix.Mount(rootfs, "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("MS_MOVE %s to /: %w", rootfs, err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot: %w", err)
	}
	return unix.Chdir("/")
}

// remountRootRO makes / read-only (config.md "root.readonly").
func remountRootRO() error {
	flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY)
	if err := unix.Mount("", "/", "", flags, ""); err != nil {
		return fmt.Errorf("remounting / read-only: %w", err)
	}
	return nil
}
