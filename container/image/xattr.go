package image

import (
	"archive/tar"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// paxXattr is the PAX record prefix under which tar(1) and Go's
// archive/tar carry extended attributes (star's SCHILY.xattr.NAME=VALUE).
const paxXattr = "SCHILY.xattr."

// xattrs applies the entry's extended attributes. Only user.* and
// security.capability (file capabilities, e.g. ping's cap_net_raw) are
// kept; trusted.* and user.overlay.* are refused (overlayFS keeps its
// opaque, redirect, origin and metacopy marks there, in user.overlay.*
// under the userxattr mount option: overlayfs.rst "Redirect dir",
// "User xattr"), and the rest (security.selinux and other LSM labels)
// belongs to the host.
func (a *applier) xattrs(parent int, base string, h *tar.Header) error {
	keys := make([]string, 0, len(h.PAXRecords))
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, paxXattr) {
			keys = append(keys, strings.TrimPrefix(k, paxXattr))
		}
	}
	sort.Strings(keys)
	for _, name := range keys {
		if err := a.xattr(parent, base, h, name, h.PAXRecords[paxXattr+name]); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) xattr(parent int, base string, h *tar.Header, name, value string) error {
	switch {
	case overlayXattr(name):
		return fmt.Errorf("xattr %s refused: it would steer overlayfs", name)
	case name == "security.capability" && a.opts.Chown, // setting it needs CAP_SETFCAP, as chown needs root
		strings.HasPrefix(name, "user.") && h.Typeflag != tar.TypeSymlink: // user.* is not allowed on symlinks
	default:
		return nil
	}
	p := fmt.Sprintf("/proc/self/fd/%d/%s", parent, base)
	if err := unix.Lsetxattr(p, name, []byte(value), 0); err != nil {
		return fmt.Errorf("xattr %s: %w", name, err)
	}
	return nil
}

// overlayXattr reports whether an xattr name is one overlayfs reads.
func overlayXattr(name string) bool {
	return strings.HasPrefix(name, "trusted.") || strings.HasPrefix(name, "user.overlay.")
}
