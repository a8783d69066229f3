package testenv

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// BusyboxApplets are the commands a BusyboxRootfs offers.
var BusyboxApplets = []string{"sh", "true", "false", "echo", "cat", "ls", "ps", "readlink", "hostname", "touch",
	"mkdir", "sleep", "id", "wc", "grep", "head", "mount", "env"}

// BusyboxRootfs makes dir a minimal container root file system: Debian's
// static busybox (busybox-static, installed by scripts/setup-deps) copied
// to dir/bin with BusyboxApplets linked to it, and the empty mount points
// proc, dev, sys and tmp.
func BusyboxRootfs(t testing.TB, dir string) {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{bin, filepath.Join(dir, "proc"), filepath.Join(dir, "dev"),
		filepath.Join(dir, "sys"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.Open(RequireTool(t, "busybox"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(filepath.Join(bin, "busybox"), os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	for _, a := range BusyboxApplets {
		if err := os.Symlink("busybox", filepath.Join(bin, a)); err != nil {
			t.Fatal(err)
		}
	}
}

var cgroupSeq atomic.Int64

// CgroupPath is a cgroup path (linux.cgroupsPath) no other container of a
// test uses, even one of another package running at the same time:
// deepsys-test/<test name>-<pid>-<n>.
func CgroupPath(t testing.TB) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, t.Name())
	return fmt.Sprintf("deepsys-test/%s-%d-%d", name, os.Getpid(), cgroupSeq.Add(1))
}
