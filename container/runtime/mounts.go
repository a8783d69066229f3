package runtime

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// prepareRoot makes the mount tree private to this namespace (so nothing
// propagates back to the host) and binds the rootfs on itself, which
// pivot_root(2) needs: new_root must be a mount point.
func prepareRoot(s *specs.Spec) error {
	prop := uintptr(unix.MS_SLAVE | unix.MS_REC)
	if p, ok := propagationFlag[s.Linux.RootfsPropagation]; ok && p&unix.MS_UNBINDABLE == 0 {
		prop = p // an unbindable / could not be bound: it is set after pivot_root
	}
	if err := unix.Mount("", "/", "", prop, ""); err != nil {
		return fmt.Errorf("making / %s: %w", s.Linux.RootfsPropagation, err)
	}
	r := s.Root.Path
	if rootfsShared(s) {
		if err := privateParent(r); err != nil {
			return err
		}
	}
	if err := unix.Mount(r, r, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("binding rootfs %s: %w", r, err)
	}
	return nil
}

// mountAll makes the config's mounts in order (runtime-spec config.md
// "Mounts").
func mountAll(s *specs.Spec) error {
	for i, m := range s.Mounts {
		if err := mountOne(s.Root.Path, m); err != nil {
			return fmt.Errorf("mounts[%d] (%s on %s): %w", i, m.Type, m.Destination, err)
		}
	}
	return nil
}

func mountOne(root string, m specs.Mount) error {
	if !filepath.IsAbs(m.Destination) {
		return fmt.Errorf("destination %q is not absolute", m.Destination)
	}
	dest, err := resolveIn(root, m.Destination)
	if err != nil {
		return err
	}
	o := parseMountOptions(m.Options)
	if m.Type == "bind" {
		o.flags |= unix.MS_BIND
	}
	if err := makeTarget(dest, m.Source, o.flags&unix.MS_BIND != 0); err != nil {
		return err
	}
	if err := unix.Mount(m.Source, dest, m.Type, o.flags&^unix.MS_RDONLY|bindRO(o.flags), o.data); err != nil {
		return fmt.Errorf("mount: %w", err)
	}
	if o.flags&unix.MS_BIND != 0 && o.flags&^(unix.MS_BIND|unix.MS_REC) != 0 {
		// A bind mount ignores other flags; a remount applies them.
		if err := unix.Mount("", dest, "", o.flags|unix.MS_REMOUNT, ""); err != nil {
			return fmt.Errorf("remount: %w", err)
		}
	}
	for _, p := range o.prop {
		if err := unix.Mount("", dest, "", p, ""); err != nil {
			return fmt.Errorf("propagation: %w", err)
		}
	}
	return nil
}

// bindRO keeps MS_RDONLY for ordinary mounts; a bind applies it on remount.
func bindRO(flags uintptr) uintptr {
	if flags&unix.MS_BIND != 0 {
		return 0
	}
	return flags & unix.MS_RDONLY
}

// makeTarget creates the mount point: a file when a bind's source is a
// file, a directory otherwise.
func makeTarget(dest, source string, bind bool) error {
	if bind {
		if fi, err := os.Stat(source); err != nil {
			return err
		} else if !fi.IsDir() {
			if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(dest, os.O_CREATE, 0o644)
			if err != nil {
				return err
			}
			return f.Close()
		}
	}
	return os.MkdirAll(dest, 0o755)
}
