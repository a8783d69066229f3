package image

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"
)

// TestUnpackSnapshots: both layers land in snapshots/1/fs and
// snapshots/2/fs, in order, with the digests recorded; a second unpack
// takes the next numbers.
func TestUnpackSnapshots(t *testing.T) {
	testenv.RequireRoot(t)
	layout, root := writeBusyboxLayout(t, true), t.TempDir()
	ss, err := Unpack(layout, "test:latest", root, LayerOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].FS() != filepath.Join(root, "snapshots/1/fs") || ss[1].ID != 2 {
		t.Fatalf("snapshots %+v", ss)
	}
	if _, err := os.Stat(filepath.Join(ss[0].FS(), "bin/busybox")); err != nil {
		t.Error(err)
	}
	again, err := Unpack(layout, "test:latest", root, LayerOptions())
	if err != nil || again[0].ID != 3 {
		t.Errorf("second unpack: %+v, %v", again, err)
	}
}

// TestUnpackRefusesBadBlobs: a changed byte (digest mismatch), a wrong
// size, an unknown ref, a bad manifest, a diff_id mismatch and megabytes after the tar's end
// are refused, and no snapshot is left behind.
func TestUnpackRefusesBadBlobs(t *testing.T) {
	layout := filepath.Join(t.TempDir(), "layout")
	md, err := WriteLayout(layout, "x", [][]byte{mustTar(t, file("a", "aaaa"))}, false)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Resolve(layout, "x")
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := blobPath(layout, img.Manifest.Layers[0].Digest)
	orig, _ := os.ReadFile(blob)
	flip := append([]byte(nil), orig...)
	flip[600] ^= 1 // in the content of "a"
	root := t.TempDir()
	check := func(what, ref, want string) {
		t.Helper()
		_, err := Unpack(layout, ref, root, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", what, err, want)
		}
		if ents, _ := os.ReadDir(filepath.Join(root, "snapshots")); len(ents) != 0 {
			t.Errorf("%s: left %d snapshots", what, len(ents))
		}
	}
	os.WriteFile(blob, flip, 0o644)
	check("flipped byte", "x", "digest mismatch: content hashes to")
	os.WriteFile(blob, orig[:len(orig)-1], 0o644)
	check("short blob", "x", "descriptor says")
	os.WriteFile(blob, orig, 0o644)
	check("unknown ref", "y", `no manifest named "y"`)
	mblob, _ := blobPath(layout, md.Digest)
	morig, _ := os.ReadFile(mblob)
	os.WriteFile(mblob, []byte("{}"), 0o644)
	check("manifest", "x", "bytes on disk, descriptor says")
	os.WriteFile(mblob, morig, 0o644)
	img.Config.RootFS.DiffIDs[0] = digest.FromString("another tar")
	img.Manifest.Config, _ = writeJSONBlob(layout, ocispec.MediaTypeImageConfig, img.Config)
	md2, _ := writeJSONBlob(layout, ocispec.MediaTypeImageManifest, img.Manifest)
	md2.Annotations = map[string]string{ocispec.AnnotationRefName: "x"}
	writeJSON(filepath.Join(layout, "index.json"), ocispec.Index{Manifests: []ocispec.Descriptor{md2}})
	check("diff_id", "x", "config's diff_id is sha256:")
	layout = filepath.Join(t.TempDir(), "trailer")
	if _, err := WriteLayout(layout, "x", [][]byte{append(mustTar(t, file("a", "")), make([]byte, 2<<20)...)}, true); err != nil {
		t.Fatal(err)
	}
	check("2 MiB after the tar's end", "x", "bytes after the end of the tar archive")
}

// TestMountMergedView: the overlay of the two snapshots shows the merged
// tree (the whiteout hides etc/gone, the opaque opt/dir shows only the
// upper's c), writes go to the upper snapshot, and busybox runs from it
// under chroot in a child.
func TestMountMergedView(t *testing.T) {
	testenv.RequireRoot(t)
	layout, root := writeBusyboxLayout(t, true), t.TempDir()
	ss, err := Unpack(layout, "", root, LayerOptions())
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "rootfs")
	os.Mkdir(target, 0o755)
	upper := filepath.Join(root, "snapshots", "rw")
	if err := Mount(target, []string{ss[0].FS(), ss[1].FS()}, upper); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Unmount(target, syscall.MNT_DETACH) })
	if _, err := os.Lstat(filepath.Join(target, "etc/gone")); !os.IsNotExist(err) {
		t.Errorf("etc/gone: %v, want gone", err)
	}
	if names := ls(t, filepath.Join(target, "opt/dir")); names != "c" {
		t.Errorf("opaque opt/dir holds %q, want c", names)
	}
	if names := ls(t, filepath.Join(target, "etc")); names != "added hello hello2" {
		t.Errorf("etc holds %q", names)
	}
	cmd := exec.Command("/bin/busybox", "echo", "ok")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: target}
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "ok\n" {
		t.Errorf("chroot busybox echo: %q, %v", out, err)
	}
	os.WriteFile(filepath.Join(target, "new"), []byte("n"), 0o644)
	if _, err := os.Stat(filepath.Join(upper, "fs/new")); err != nil {
		t.Errorf("write did not reach the upper: %v", err)
	}
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	if names := ls(t, target); names != "" {
		t.Errorf("after umount the target holds %q", names)
	}
}

func ls(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

// TestMountReadOnly: without an upper the overlay is read-only, one lower
// layer or two.
func TestMountReadOnly(t *testing.T) {
	testenv.RequireRoot(t)
	layout, root := writeBusyboxLayout(t, false), t.TempDir()
	ss, err := Unpack(layout, "test:latest", root, LayerOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, lowers := range [][]string{{ss[0].FS()}, {ss[0].FS(), ss[1].FS()}} {
		target := t.TempDir()
		if err := Mount(target, lowers, ""); err != nil {
			t.Fatal(err)
		}
		err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644)
		Unmount(target)
		if err == nil || !strings.Contains(err.Error(), "read-only file system") {
			t.Errorf("%d lowers: write: %v", len(lowers), err)
		}
	}
}

// TestResolveNestedIndex: a ref naming a multi-platform index resolves to
// this machine's manifest; an index without it is an error naming the
// platform.
func TestResolveNestedIndex(t *testing.T) {
	layout := filepath.Join(t.TempDir(), "layout")
	md, err := WriteLayout(layout, "x", [][]byte{mustTar(t, file("a", "x"))}, false)
	if err != nil {
		t.Fatal(err)
	}
	nest := func(p ocispec.Platform) {
		md.Annotations, md.Platform = nil, &p
		inner, err := writeJSONBlob(layout, ocispec.MediaTypeImageIndex, ocispec.Index{Manifests: []ocispec.Descriptor{md}})
		if err != nil {
			t.Fatal(err)
		}
		inner.Annotations = map[string]string{ocispec.AnnotationRefName: "multi"}
		writeJSON(filepath.Join(layout, "index.json"), ocispec.Index{Manifests: []ocispec.Descriptor{inner}})
	}
	nest(ocispec.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH})
	if img, err := Resolve(layout, "multi"); err != nil || len(img.Manifest.Layers) != 1 {
		t.Errorf("nested index: %v", err)
	}
	nest(ocispec.Platform{OS: "linux", Architecture: "s390x"})
	if _, err := Resolve(layout, "multi"); err == nil || !strings.Contains(err.Error(), "no manifest for linux/"+runtime.GOARCH) {
		t.Errorf("foreign platform: %v", err)
	}
}

// TestApplyBlobRehashes: a blob that changes after verifyBlob (here its
// gzip header's OS byte, which leaves the tar and so the diff_id alone) is
// caught by the hash taken while it is unpacked.
func TestApplyBlobRehashes(t *testing.T) {
	layout := filepath.Join(t.TempDir(), "layout")
	if _, err := WriteLayout(layout, "x", [][]byte{mustTar(t, file("a", "x"))}, true); err != nil {
		t.Fatal(err)
	}
	img, err := Resolve(layout, "x")
	if err != nil {
		t.Fatal(err)
	}
	desc := img.Manifest.Layers[0]
	if err := verifyBlob(layout, desc); err != nil {
		t.Fatal(err)
	}
	p, _ := blobPath(layout, desc.Digest)
	b, _ := os.ReadFile(p)
	b[9] ^= 0xff // RFC 1952 header: OS
	os.WriteFile(p, b, 0o644)
	s, err := newSnapshot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.DiffID = img.Config.RootFS.DiffIDs[0]
	err = applyBlob(layout, desc, s, Options{})
	if err == nil || !strings.Contains(err.Error(), "changed while it was unpacked: blob sha256:") {
		t.Errorf("got %v", err)
	}
}

// TestMountUserXattr: layers unpacked with Options.UserXattr mark opaque
// directories with user.overlay.opaque, and an overlay mounted with
// userxattr honours it (the rootless format).
func TestMountUserXattr(t *testing.T) {
	testenv.RequireRoot(t)
	layout, root := writeBusyboxLayout(t, false), t.TempDir()
	opts := LayerOptions()
	opts.UserXattr = true
	ss, err := Unpack(layout, "test:latest", root, opts)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]byte, 4)
	if n, err := unix.Getxattr(filepath.Join(ss[1].FS(), "opt/dir"), userOpaqueXattr, v); err != nil || string(v[:n]) != "y" {
		t.Fatalf("%s: %q, %v", userOpaqueXattr, v[:n], err)
	}
	target := t.TempDir()
	if err := (Overlay{Lowers: []string{ss[0].FS(), ss[1].FS()}, UserXattr: true}).Mount(target); err != nil {
		t.Fatal(err)
	}
	defer Unmount(target)
	if names := ls(t, filepath.Join(target, "opt/dir")); names != "c" {
		t.Errorf("opaque opt/dir holds %q, want c", names)
	}
	if _, err := os.Lstat(filepath.Join(target, "etc/gone")); !os.IsNotExist(err) {
		t.Errorf("etc/gone: %v, want gone", err)
	}
}
