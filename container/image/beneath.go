package image

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// resolveBeneath keeps every lookup inside the layer and off symlinks
// (openat2(2)): RESOLVE_BENEATH refuses ".." above the starting directory
// and absolute paths, RESOLVE_NO_SYMLINKS refuses any symlink on the way.
const resolveBeneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// openBeneath opens the directory rel (a cleanName result) below root as
// an O_PATH descriptor for *at calls.
func openBeneath(root int, rel string) (int, error) {
	fd, err := unix.Openat2(root, rel, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: resolveBeneath,
	})
	if err != nil {
		return -1, explainResolve(rel, err)
	}
	return fd, nil
}

// mkdirBeneath opens directory rel below root, making the missing
// directories on the way (mode 0755, as tar(1) does for implied parents).
func mkdirBeneath(root int, rel string) (int, error) {
	fd, err := openBeneath(root, rel)
	if err == nil || !errors.Is(err, unix.ENOENT) {
		return fd, err
	}
	fd, err = unix.Dup(root)
	if err != nil {
		return -1, err
	}
	for _, part := range strings.Split(rel, "/") {
		if err := unix.Mkdirat(fd, part, 0o755); err != nil && err != unix.EEXIST {
			unix.Close(fd)
			return -1, fmt.Errorf("mkdir %s: %w", part, err)
		}
		next, err := openBeneath(fd, part)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

// explainResolve names the openat2 refusals in the terms of the archive.
func explainResolve(rel string, err error) error {
	switch {
	case errors.Is(err, unix.ELOOP):
		return fmt.Errorf("path %s goes through a symlink: %w", rel, err)
	case errors.Is(err, unix.EXDEV):
		return fmt.Errorf("path %s leaves the layer: %w", rel, err)
	case errors.Is(err, unix.ENOTDIR):
		return fmt.Errorf("path %s: a parent is not a directory: %w", rel, err)
	}
	return fmt.Errorf("path %s: %w", rel, err)
}
