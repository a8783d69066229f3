package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// maxSymlinks bounds the links followed while resolving one path, as the
// kernel's 40 (path_resolution(7): ELOOP).
const maxSymlinks = 40

// resolveIn returns the host path of unsafe (a path as the container will
// see it) inside root, resolving each symlink it meets as if root were /:
// an absolute link target restarts at root, ".." never climbs above root.
// Components that do not exist yet are kept as written. This is the
// algorithm of filepath-securejoin; it checks the host's view now, so a
// process that changes the rootfs concurrently could still race it (see
// "Not done yet": openat2 RESOLVE_IN_ROOT).
func resolveIn(root, unsafe string) (string, error) {
	var done string // resolved part, relative to root, always clean
	rest := unsafe
	links := 0
	for rest != "" {
		var comp string
		comp, rest, _ = strings.Cut(strings.TrimLeft(rest, "/"), "/")
		switch comp {
		case "", ".":
			continue
		case "..":
			done = parentIn(done)
			continue
		}
		next := filepath.Join(done, comp)
		target, isLink, err := readLinkIn(root, next)
		if err != nil {
			return "", err
		}
		if !isLink {
			done = next
			continue
		}
		if links++; links > maxSymlinks {
			return "", fmt.Errorf("resolving %q in %s: too many symlinks", unsafe, root)
		}
		if filepath.IsAbs(target) {
			done = ""
		}
		rest = target + "/" + rest
	}
	return filepath.Join(root, done), nil
}

// parentIn is the parent of a clean root-relative path, stopping at root.
func parentIn(p string) string {
	if p == "" || p == "." {
		return ""
	}
	d := filepath.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// readLinkIn reads rel (under root) if it is a symlink; a missing path is
// not a link.
func readLinkIn(root, rel string) (string, bool, error) {
	p := filepath.Join(root, rel)
	fi, err := os.Lstat(p)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return "", false, nil
	}
	t, err := os.Readlink(p)
	return t, true, err
}
