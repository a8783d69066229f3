package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGuestKernelDirHonoursEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(GuestKernelEnv, dir)
	if got, err := GuestKernelDir(); err != nil || got != dir {
		t.Fatalf("GuestKernelDir() = %q, %v; want %q", got, err, dir)
	}
	for _, f := range []string{"vmlinuz", "vmlinux", "virtio_mmio.ko"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "VERSION"), []byte("linux-image-test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := GuestKernel(t)
	if g.BzImage != filepath.Join(dir, "vmlinuz") || g.Vmlinux != filepath.Join(dir, "vmlinux") || g.Package != "linux-image-test" {
		t.Errorf("GuestKernel = %+v", g)
	}
}

func TestGuestKernelDirDefault(t *testing.T) {
	t.Setenv(GuestKernelEnv, "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if got, err := GuestKernelDir(); err != nil || got != "/cache/deepsys/guest-kernel" {
		t.Fatalf("GuestKernelDir() = %q, %v; want the user cache dir, as scripts/setup-deps", got, err)
	}
}
