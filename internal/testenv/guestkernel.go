package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// GuestKernelEnv names the variable that overrides where scripts/setup-deps
// leaves the guest kernel.
const GuestKernelEnv = "DEEPSYS_GUEST_KERNEL_DIR"

// GuestKernelFiles are the guest kernel scripts/setup-deps fetches: Debian's
// 6.12 cloud kernel as a bzImage and as the uncompressed ELF inside it.
type GuestKernelFiles struct {
	Dir     string // the cache directory holding both
	BzImage string // vmlinuz: the bzImage, for the 64-bit boot protocol
	Vmlinux string // vmlinux: the ELF with the PVH entry note
	// VirtioMMIO is virtio_mmio.ko, the kernel's virtio-mmio driver (a
	// module in Debian's build), uncompressed.
	VirtioMMIO string
	Package    string // the Debian package they came from
}

// GuestKernelDir is $DEEPSYS_GUEST_KERNEL_DIR, else deepsys/guest-kernel in
// the user cache dir ($XDG_CACHE_HOME or ~/.cache), as scripts/setup-deps
// chooses it.
func GuestKernelDir() (string, error) {
	if d := os.Getenv(GuestKernelEnv); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "deepsys", "guest-kernel"), nil
}

// GuestKernel returns the guest kernel's files, or skips (fails under CI)
// when scripts/setup-deps has not fetched them.
func GuestKernel(t testing.TB) GuestKernelFiles {
	t.Helper()
	dir, err := GuestKernelDir()
	if err != nil {
		missing(t, fmt.Sprintf("needs the guest kernel: no cache dir: %v", err))
		return GuestKernelFiles{}
	}
	g := GuestKernelFiles{Dir: dir, BzImage: filepath.Join(dir, "vmlinuz"), Vmlinux: filepath.Join(dir, "vmlinux"),
		VirtioMMIO: filepath.Join(dir, "virtio_mmio.ko")}
	for _, p := range []string{g.BzImage, g.Vmlinux, g.VirtioMMIO} {
		if _, err := os.Stat(p); err != nil {
			missing(t, fmt.Sprintf("needs the guest kernel (scripts/setup-deps fetches it): %v", err))
			return g
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "VERSION")); err == nil {
		g.Package = strings.TrimSpace(string(b))
	}
	return g
}
