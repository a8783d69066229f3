package image

import (
	"archive/tar"
	"os"
	"path/filepath"
	"testing"
)

func dir(name string) Entry {
	return Entry{Header: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755}}
}

func file(name, body string) Entry {
	return Entry{Header: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644}, Body: []byte(body)}
}

func symlink(name, target string) Entry {
	return Entry{Header: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}}
}

func hardlink(name, target string) Entry {
	return Entry{Header: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target}}
}

func mustTar(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	b, err := TarLayer(entries)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// busyboxLayers are the test image: a base with busybox and some files,
// and an upper layer that deletes etc/gone with a whiteout and replaces
// opt/dir opaquely.
func busyboxLayers(t testing.TB) [][]byte {
	t.Helper()
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Skipf("busybox-static: %v", err)
	}
	bin := file("bin/busybox", string(bb))
	bin.Header.Mode = 0o755
	base := mustTar(t, dir("bin"), bin, symlink("bin/sh", "busybox"), dir("etc"),
		file("etc/hello", "hello\n"), file("etc/gone", "doomed\n"), hardlink("etc/hello2", "etc/hello"),
		dir("opt"), dir("opt/dir"), file("opt/dir/a", "a\n"), file("opt/dir/b", "b\n"))
	upper := mustTar(t, file("etc/.wh.gone", ""), file("opt/dir/.wh..wh..opq", ""), file("opt/dir/c", "c\n"),
		file("etc/added", "added\n"))
	return [][]byte{base, upper}
}

// writeBusyboxLayout writes the test image as a layout and returns its path.
func writeBusyboxLayout(t testing.TB, gz bool) string {
	t.Helper()
	layout := filepath.Join(t.TempDir(), "layout")
	if _, err := WriteLayout(layout, "test:latest", busyboxLayers(t), gz); err != nil {
		t.Fatal(err)
	}
	return layout
}
