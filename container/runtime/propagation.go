package runtime

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// linux.rootfsPropagation "shared" or "rshared" (config-linux.md "Rootfs
// Mount Propagation"). pivot_root(2) fails with EINVAL when the new root's
// parent mount is shared, which making / rshared does. So, as runc does:
//  1. prepareRoot makes / (r)shared as asked, then the mount that holds
//     the rootfs's parent directory private (privateParent: the longest
//     mount point of /proc/self/mountinfo above it; proc(5));
//  2. after pivot_root, / (now the rootfs) gets the asked propagation
//     (rootPropagation), whichever it is: the rootfs bind is a new mount,
//     and "unbindable" can only be set after it (a bind mount of an
//     unbindable mount fails with EINVAL, mount(2)).

// rootfsShared reports whether linux.rootfsPropagation asks for a shared
// root.
func rootfsShared(s *specs.Spec) bool {
	p := propagationFlag[s.Linux.RootfsPropagation]
	return p&unix.MS_SHARED != 0
}

// privateParent makes the mount that holds rootfs's parent directory
// private.
func privateParent(rootfs string) error {
	mp, err := mountPointOf(filepath.Dir(rootfs))
	if err != nil {
		return err
	}
	if err := unix.Mount("", mp, "", unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making %s private: %w", mp, err)
	}
	return nil
}

// mountPointOf is the longest mount point in /proc/self/mountinfo (field
// 5) that contains dir.
func mountPointOf(dir string) (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	defer f.Close()
	best := "/"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if (dir == mp || strings.HasPrefix(dir, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	return best, sc.Err()
}

// unescapeMountinfo undoes the octal escapes (\040 for a space) of
// mountinfo paths.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var c byte
			if _, err := fmt.Sscanf(s[i+1:i+4], "%03o", &c); err == nil {
				b.WriteByte(c)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// rootPropagation gives the new / the asked propagation after pivot_root.
func rootPropagation(s *specs.Spec) error {
	if err := unix.Mount("", "/", "", propagationFlag[s.Linux.RootfsPropagation], ""); err != nil {
		return fmt.Errorf("linux.rootfsPropagation %s: %w", s.Linux.RootfsPropagation, err)
	}
	return nil
}
