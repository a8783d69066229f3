package runtime

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestNoEscapeThroughSymlinkMountTarget: a rootfs symlink that points at a
// host directory (absolute, with ".." to climb) is resolved inside the
// rootfs, so the mount point is made there and the host directory is
// untouched.
func TestNoEscapeThroughSymlinkMountTarget(t *testing.T) {
	host := t.TempDir()
	s := testSpec("sh", "-c", "echo inside > /evil/x/f && cat /evil/x/f")
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/evil/x", Type: "tmpfs", Source: "tmpfs"})
	bundle := makeBundle(t, s)
	if err := os.Symlink("/../../../.."+host, filepath.Join(bundle, "rootfs", "evil")); err != nil {
		t.Fatal(err)
	}
	code, out := runBundleIn(t, bundle)
	if code != 0 || out != "inside\n" {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if ents, _ := os.ReadDir(host); len(ents) != 0 {
		t.Errorf("the mount escaped: %s has %d entries", host, len(ents))
	}
	if _, err := os.Stat(filepath.Join(bundle, "rootfs", host, "x")); err != nil {
		t.Errorf("mount point not made inside the rootfs: %v", err)
	}
}
