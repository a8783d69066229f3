package runtime

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// maskPaths hides each path (runtime-spec config-linux.md "Masked Paths"):
// a file gets /dev/null bound over it, a directory an empty read-only
// tmpfs. Paths that do not exist are skipped.
func maskPaths(root string, paths []string) error {
	for _, p := range paths {
		dest, err := resolveIn(root, p)
		if err != nil {
			return err
		}
		fi, err := os.Stat(dest)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		if fi.IsDir() {
			err = unix.Mount("tmpfs", dest, "tmpfs", unix.MS_RDONLY, "size=0")
		} else {
			err = unix.Mount("/dev/null", dest, "", unix.MS_BIND, "")
		}
		if err != nil {
			return fmt.Errorf("masking %s: %w", p, err)
		}
	}
	return nil
}

// readonlyPaths binds each path on itself and remounts it read-only
// (runtime-spec config-linux.md "Readonly Paths").
func readonlyPaths(root string, paths []string) error {
	for _, p := range paths {
		dest, err := resolveIn(root, p)
		if err != nil {
			return err
		}
		if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := unix.Mount(dest, dest, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("readonly %s: %w", p, err)
		}
		flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
		if err := unix.Mount("", dest, "", flags, ""); err != nil {
			return fmt.Errorf("readonly %s: %w", p, err)
		}
	}
	return nil
}
