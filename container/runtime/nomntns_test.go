package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// withoutMountNS drops the mount namespace from s.
func withoutMountNS(s *specs.Spec) *specs.Spec {
	var nss []specs.LinuxNamespace
	for _, ns := range s.Linux.Namespaces {
		if ns.Type != specs.MountNamespace {
			nss = append(nss, ns)
		}
	}
	s.Linux.Namespaces = nss
	return s
}

// mountsUnder lists the host's mount points at or below dir.
func mountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			out = append(out, f[4])
		}
	}
	return out
}

// TestNoMountNamespace: without a mount namespace the container runs in
// the runtime's, chrooted into its rootfs with its mounts (proc of its own
// pid namespace); delete leaves no mount behind — and leaves a mount that
// was on the rootfs before create (as an overlay rootfs would be).
func TestNoMountNamespace(t *testing.T) {
	host, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		t.Fatal(err)
	}
	s := withoutMountNS(testSpec("sh", "-c", "readlink /proc/self/ns/mnt; ls /bin/busybox; cat /proc/1/cmdline; echo"))
	bundle := makeBundle(t, s)
	rootfs := filepath.Join(bundle, "rootfs")
	code, out := runBundleIn(t, bundle)
	want := host + "\n/bin/busybox\nsh\x00-c\x00readlink /proc/self/ns/mnt; ls /bin/busybox; cat /proc/1/cmdline; echo\x00\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, output %q, want %q", code, out, want)
	}
	if m := mountsUnder(t, rootfs); len(m) != 0 {
		t.Fatalf("mounts left behind: %v", m)
	}
	// a rootfs that is a mount itself keeps it
	if err := unix.Mount(rootfs, rootfs, "", unix.MS_BIND, ""); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount(rootfs, unix.MNT_DETACH)
	if code, out := runBundleIn(t, bundle); code != 0 {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if m := mountsUnder(t, rootfs); len(m) != 1 || m[0] != rootfs {
		t.Fatalf("mounts under the rootfs after delete: %v, want only the one made before", m)
	}
}

// TestNoMountNamespaceFailedCreate: a create that fails after the mounts
// were made detaches them.
func TestNoMountNamespaceFailedCreate(t *testing.T) {
	s := withoutMountNS(testSpec("no-such-program"))
	bundle := makeBundle(t, s)
	expectCreateFails(t, bundle, `process.args[0]: "no-such-program"`)
	if m := mountsUnder(t, filepath.Join(bundle, "rootfs")); len(m) != 0 {
		t.Fatalf("mounts left behind: %v", m)
	}
}
