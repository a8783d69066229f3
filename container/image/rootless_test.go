package image

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// rootlessEnv makes the test binary the rootless child: it unpacks and
// mounts inside a new user and mount namespace (see TestMain).
const rootlessEnv = "DEEPSYS_IMAGE_ROOTLESS_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(rootlessEnv); dir != "" {
		if err := rootlessChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// rootlessChild runs in a user namespace: trusted.overlay.opaque cannot be
// set there, user.overlay.opaque can, and overlayfs mounts with userxattr.
func rootlessChild(dir string) error {
	layout, root, target := filepath.Join(dir, "layout"), filepath.Join(dir, "snap"), filepath.Join(dir, "rootfs")
	if _, err := Unpack(layout, "test:latest", root, Options{}); err == nil {
		return fmt.Errorf("unpack with trusted.overlay.opaque worked in a user namespace")
	}
	ss, err := Unpack(layout, "test:latest", root, Options{UserXattr: true})
	if err != nil {
		return err
	}
	if err := (Overlay{Lowers: []string{ss[0].FS(), ss[1].FS()}, Upper: filepath.Join(root, "rw"), UserXattr: true}).Mount(target); err != nil {
		return err
	}
	ents, err := os.ReadDir(filepath.Join(target, "opt/dir"))
	if err != nil || len(ents) != 1 || ents[0].Name() != "c" {
		return fmt.Errorf("opt/dir: %v, %v", ents, err)
	}
	if _, err := os.Lstat(filepath.Join(target, "etc/gone")); !os.IsNotExist(err) {
		return fmt.Errorf("etc/gone: %v, want gone", err)
	}
	return os.WriteFile(filepath.Join(target, "etc/new"), []byte("x"), 0o644)
}

// TestRootlessUnpackMount: in a new user namespace (uid 0 mapped to 0, so
// the files stay readable, but with no capability over the host), unpack
// with the default trusted.* mark fails, with --userxattr it works, and
// the overlay mounted with userxattr shows the merged view and takes
// writes.
func TestRootlessUnpackMount(t *testing.T) {
	testenv.RequireRoot(t)
	dir := t.TempDir()
	if _, err := WriteLayout(filepath.Join(dir, "layout"), "test:latest", busyboxLayers(t), true); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "rootfs"), 0o755)
	cmd := exec.Command("/proc/self/exe", "-test.run=^$")
	cmd.Env = append(os.Environ(), rootlessEnv+"="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}},
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rootless child: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "snap/rw/fs/etc/new")); err != nil {
		t.Errorf("the write did not reach the upper: %v", err)
	}
}
