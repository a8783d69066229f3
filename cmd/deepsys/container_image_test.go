package main

import (
	"archive/tar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/deepsys/deepsys/container/image"
	"github.com/deepsys/deepsys/internal/testenv"
)

// TestContainerImageUnpackMount: unpack prints the snapshot trees, mount
// stacks them with a writable upper, busybox runs from the merged rootfs
// under chroot, the whiteout hides its file, umount detaches; a bad ref is
// an error naming it.
func TestContainerImageUnpackMount(t *testing.T) {
	testenv.RequireRoot(t)
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Skipf("busybox-static: %v", err)
	}
	base, _ := image.TarLayer([]image.Entry{
		{Header: tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755}, Body: bb},
		{Header: tar.Header{Typeflag: tar.TypeReg, Name: "etc/gone", Mode: 0o644}, Body: []byte("x")},
	})
	upper, _ := image.TarLayer([]image.Entry{{Header: tar.Header{Typeflag: tar.TypeReg, Name: "etc/.wh.gone", Mode: 0o644}}})
	dir := t.TempDir()
	layout := filepath.Join(dir, "layout")
	if _, err := image.WriteLayout(layout, "bb:1", [][]byte{base, upper}, true); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "container", "image", "unpack", layout, "--ref", "bb:1", "--snapshots", dir)
	layers := strings.Fields(stdout)
	if code != 0 || len(layers) != 2 || layers[1] != filepath.Join(dir, "snapshots/2/fs") {
		t.Fatalf("unpack: exit %d, %q, %s", code, stdout, stderr)
	}
	rootfs := filepath.Join(dir, "rootfs")
	os.Mkdir(rootfs, 0o755)
	args := append([]string{"container", "image", "mount", "--target", rootfs, "--upper", filepath.Join(dir, "snapshots/rw")}, layers...)
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("mount: exit %d, %s", code, stderr)
	}
	t.Cleanup(func() { syscall.Unmount(rootfs, syscall.MNT_DETACH) })
	cmd := exec.Command("/bin/busybox", "sh", "-c", "test -e /etc/gone || echo ok")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: rootfs}
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "ok\n" {
		t.Errorf("chroot busybox: %q, %v", out, err)
	}
	if code, _, stderr := runCLI(t, "container", "image", "umount", rootfs); code != 0 {
		t.Errorf("umount: exit %d, %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "container", "image", "unpack", layout, "--ref", "nope", "--snapshots", dir)
	if code != 1 || !strings.Contains(stderr, `no manifest named "nope"`) {
		t.Errorf("bad ref: exit %d, %s", code, stderr)
	}
}
