package runtime

import (
	"strings"
	"testing"
)

// TestRootfsPropagation: each linux.rootfsPropagation shows on the
// container's / in its mountinfo (proc(5) optional fields): "shared" with
// a peer group although pivot_root needs the rootfs's parent private,
// "unbindable" although the rootfs bind would fail on an unbindable
// mount, and "slave" or "private" without a peer group ("master:" shows
// only where the host's mount was shared).
func TestRootfsPropagation(t *testing.T) {
	for prop, want := range map[string]string{"shared": "shared:", "rshared": "shared:", "slave": "",
		"private": "", "unbindable": "unbindable"} {
		t.Run(prop, func(t *testing.T) {
			s := testSpec("sh", "-c", `while read id parent dev root mp opts rest; do [ "$mp" = / ] && echo "$rest"; done < /proc/self/mountinfo; true`)
			s.Linux.RootfsPropagation = prop
			code, out := runBundle(t, s)
			fields := strings.Split(out, " - ")[0]
			if code != 0 || !strings.Contains(fields, want) || (want != "shared:" && strings.Contains(fields, "shared:")) {
				t.Fatalf("exit %d, optional fields of / %q; want %q", code, fields, want)
			}
		})
	}
}
