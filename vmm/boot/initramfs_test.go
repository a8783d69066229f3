package boot

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

var testInitramfs = []InitramfsFile{
	{Name: "bin", Mode: fs.ModeDir | 0o755},
	{Name: "init", Mode: 0o755, Data: []byte("#!/bin/sh\necho DEEPSYS-INITRAMFS-OK\n")},
	{Name: "bin/sh", Mode: fs.ModeSymlink | 0o777, Data: []byte("busybox")},
	{Name: "etc", Mode: fs.ModeDir | 0o755},
	{Name: "etc/hostname", Mode: 0o644, Data: []byte("guest")},
}

// TestInitramfsCpioExtracts: GNU cpio, the peer, lists and extracts our
// archive to the same tree.
func TestInitramfsCpioExtracts(t *testing.T) {
	cpio := testenv.RequireTool(t, "cpio")
	a, err := Initramfs(testInitramfs)
	if err != nil {
		t.Fatal(err)
	}
	if len(a)%4 != 0 || !bytes.HasPrefix(a, []byte("070701")) {
		t.Fatalf("archive of %d bytes starts %q", len(a), a[:6])
	}
	list := exec.Command(cpio, "-it", "--quiet")
	list.Stdin = bytes.NewReader(a)
	out, err := list.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -it: %v\n%s", err, out)
	}
	if got := strings.Fields(string(out)); strings.Join(got, " ") != "bin init bin/sh etc etc/hostname" {
		t.Errorf("cpio lists %q", got)
	}
	dir := t.TempDir()
	ex := exec.Command(cpio, "-idm", "--quiet", "--no-absolute-filenames")
	ex.Dir, ex.Stdin = dir, bytes.NewReader(a)
	if out, err := ex.CombinedOutput(); err != nil {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	checkExtracted(t, dir)
}

func checkExtracted(t *testing.T, dir string) {
	t.Helper()
	init, err := os.Stat(filepath.Join(dir, "init"))
	if err != nil || init.Mode().Perm() != 0o755 {
		t.Fatalf("init: %v %v", init, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "init")); !bytes.Contains(b, []byte("DEEPSYS-INITRAMFS-OK")) {
		t.Errorf("init holds %q", b)
	}
	if target, err := os.Readlink(filepath.Join(dir, "bin/sh")); err != nil || target != "busybox" {
		t.Errorf("bin/sh -> %q, %v", target, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/hostname")); string(b) != "guest" {
		t.Errorf("etc/hostname holds %q", b)
	}
}

func TestInitramfsBad(t *testing.T) {
	for _, f := range []InitramfsFile{
		{Name: "/init", Mode: 0o755},
		{Name: "../x", Mode: 0o644},
		{Name: "a//b", Mode: 0o644},
		{Name: "", Mode: 0o644},
		{Name: "TRAILER!!!", Mode: 0o644},
		{Name: "dev/null", Mode: fs.ModeDevice | 0o666},
	} {
		if _, err := Initramfs([]InitramfsFile{f}); err == nil {
			t.Errorf("%q mode %v accepted", f.Name, f.Mode)
		}
	}
}
