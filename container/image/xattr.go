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
// kept; trusted.* is refused, since trusted.overlay.opaque, .redirect and
// .origin would steer overlayfs (overlayfs.rst "Redirect dir"), and the
// rest (security.selinux and other LSM labels) belongs to the host.
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
	case strings.HasPrefix(name, "trusted."):
		return fmt.Errorf("xattr %s refused: trusted.* would steer overlayfs", name)
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
