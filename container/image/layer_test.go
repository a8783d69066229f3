package image

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"golang.org/x/sys/unix"
)

// unpackInto applies entries to a fresh directory inside a parent that
// also holds an "outside" sentinel directory, and returns both.
func unpackInto(t *testing.T, opts Options, entries ...Entry) (string, string, error) {
	t.Helper()
	parent := t.TempDir()
	fs, outside := filepath.Join(parent, "fs"), filepath.Join(parent, "outside")
	mkdirs(0o755, fs, outside)
	err := UnpackLayer(fs, bytes.NewReader(mustTar(t, entries...)), opts)
	return fs, outside, err
}

// TestUnpackLayerFiles: files, modes, symlinks and hard links land as the
// tar says.
func TestUnpackLayerFiles(t *testing.T) {
	exe := file("bin/tool", "#!")
	exe.Header.Mode = 0o4755
	old := dir("etc")
	old.Header.ModTime = time.Unix(1e9, 0)
	fs, outside, err := unpackInto(t, LayerOptions(), old, file("etc/a", "A"), exe,
		symlink("etc/abs", "/etc/a"), hardlink("etc/b", "etc/a"), file("deep/er/f", "x"),
		symlink("etc/p", "../../outside/p"), file("etc/p", "replaced"), hardlink("etc/habs", "etc/abs"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(fs, "etc/p")); err != nil || string(b) != "replaced" || ls(t, outside) != "" {
		t.Errorf("file over a symlink: %q, %v; outside holds %q", b, err, ls(t, outside))
	}
	if l, err := os.Readlink(filepath.Join(fs, "etc/habs")); err != nil || l != "/etc/a" {
		t.Errorf("hard link to a symlink: %q, %v", l, err)
	}
	if st, err := os.Stat(filepath.Join(fs, "etc")); err != nil {
		t.Error(err)
	} else if !st.ModTime().Equal(old.Header.ModTime) {
		t.Errorf("etc mtime %v, want %v: set before its children were written", st.ModTime(), old.Header.ModTime)
	}
	if b, _ := os.ReadFile(filepath.Join(fs, "etc/b")); string(b) != "A" {
		t.Errorf("hard link reads %q", b)
	}
	if l, _ := os.Readlink(filepath.Join(fs, "etc/abs")); l != "/etc/a" {
		t.Errorf("symlink target %q", l)
	}
	if st, err := os.Stat(filepath.Join(fs, "bin/tool")); err != nil {
		t.Error(err)
	} else if st.Mode()&os.ModeSetuid == 0 || st.Mode().Perm() != 0o755 {
		t.Errorf("bin/tool mode %v, want u+s and 0755", st.Mode())
	}
	var a, b unix.Stat_t
	unix.Stat(filepath.Join(fs, "etc/a"), &a)
	unix.Stat(filepath.Join(fs, "etc/b"), &b)
	if a.Ino != b.Ino || a.Nlink != 2 {
		t.Errorf("hard link: inodes %d %d, nlink %d", a.Ino, b.Ino, a.Nlink)
	}
}

// TestUnpackLayerHostile: each hostile archive is refused with an error
// naming the entry, and nothing appears outside the layer.
func TestUnpackLayerHostile(t *testing.T) {
	cases := []struct {
		name    string
		entries []Entry
		want    string
	}{
		{"dotdot", []Entry{file("../outside/x", "pwned")}, `"../outside/x": name climbs out`},
		{"inner dotdot", []Entry{file("a/../../outside/x", "pwned")}, `climbs out`},
		{"absolute symlink", []Entry{symlink("lnk", "/"), file("lnk/tmp/x", "pwned")}, `"lnk/tmp/x": path lnk/tmp goes through a symlink`},
		{"relative symlink", []Entry{symlink("lnk", "../outside"), file("lnk/x", "pwned")}, `goes through a symlink`},
		{"symlink then dir", []Entry{symlink("d", "../outside"), dir("d/sub")}, `goes through a symlink`},
		{"hard link out", []Entry{hardlink("h", "../outside/x")}, `hard link target "../outside/x"`},
		{"hard link through symlink", []Entry{symlink("l", "../outside"), hardlink("h", "l/x")}, `goes through a symlink`},
		{"hard link absolute", []Entry{hardlink("h", "/etc/passwd")}, `"h": hard link target "/etc/passwd"`},
		{"device", []Entry{{Header: tar.Header{Typeflag: tar.TypeChar, Name: "null", Devmajor: 1, Devminor: 3}}}, `"null": device file (1:3) refused`},
		{"trusted xattr", []Entry{{Header: tar.Header{Typeflag: tar.TypeDir, Name: "d", PAXRecords: map[string]string{"SCHILY.xattr.trusted.overlay.redirect": "/etc"}}}}, `"d": xattr trusted.overlay.redirect refused`},
		{"user overlay xattr", []Entry{{Header: tar.Header{Typeflag: tar.TypeReg, Name: "f", PAXRecords: map[string]string{"SCHILY.xattr.user.overlay.opaque": "y"}}}}, `"f": xattr user.overlay.opaque refused`},
		{"whiteout dotdot", []Entry{file(".wh...", "")}, `whiteout of ".."`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, outside, err := unpackInto(t, Options{}, c.entries...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			if ents, _ := os.ReadDir(outside); len(ents) != 0 {
				t.Errorf("wrote outside the layer: %v", ents)
			}
		})
	}
}

// TestUnpackLayerLimits: a header claiming a terabyte and a bad header
// checksum are refused before anything is read.
func TestUnpackLayerLimits(t *testing.T) {
	fs := t.TempDir()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "big", Size: 1 << 40, Mode: 0o644})
	err := UnpackLayer(fs, &b, Options{Limits: Limits{EntrySize: 1 << 20}})
	if err == nil || !strings.Contains(err.Error(), `"big": size 1099511627776 is over the limit`) {
		t.Errorf("huge entry: %v", err)
	}
	bad := mustTar(t, file("ok", "x"), file("next", "y"))
	bad[512+512+148] ^= 0xff // the second header's checksum
	err = UnpackLayer(t.TempDir(), bytes.NewReader(bad), Options{})
	if err == nil || !strings.Contains(err.Error(), "tar entry 1: bad header") {
		t.Errorf("bad checksum: %v", err)
	}
	err = UnpackLayer(t.TempDir(), bytes.NewReader(mustTar(t, file("a", ""), file("b", ""))), Options{Limits: Limits{Entries: 1}})
	if err == nil || !strings.Contains(err.Error(), "over the limit of 1 entries") {
		t.Errorf("entry count: %v", err)
	}
}

// TestUnpackLayerWhiteouts: .wh.NAME becomes a 0/0 character device,
// .wh..wh..opq the opaque xattr (root: trusted.* needs CAP_SYS_ADMIN), and
// a whiteout never hides an entry of its own layer.
func TestUnpackLayerWhiteouts(t *testing.T) {
	testenv.RequireRoot(t)
	fs, _, err := unpackInto(t, LayerOptions(), file("etc/.wh.gone", ""), file("opt/.wh..wh..opq", ""),
		file("mine", "x"), file(".wh.mine", ""), file(".wh.dir", ""), dir("dir"))
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(filepath.Join(fs, "etc/gone"), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != 0 {
		t.Errorf("etc/gone: mode %o rdev %d, %v", st.Mode, st.Rdev, err)
	}
	for _, d := range []string{"opt", "dir"} {
		v := make([]byte, 8)
		n, err := unix.Getxattr(filepath.Join(fs, d), opaqueXattr, v)
		if err != nil || string(v[:n]) != "y" {
			t.Errorf("%s: %s = %q, %v", d, opaqueXattr, v[:n], err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(fs, "mine")); err != nil || string(b) != "x" {
		t.Errorf("own entry hidden: %q, %v", b, err)
	}
}

// TestUnpackLayerXattrs: user.* and, as root, security.capability (here
// cap_net_raw+ep, struct vfs_cap_data revision 2) come from PAX records.
func TestUnpackLayerXattrs(t *testing.T) {
	testenv.RequireRoot(t)
	capNetRaw := []byte{0x01, 0, 0, 0x02, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	ping := file("bin/ping", "")
	ping.Header.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": string(capNetRaw), "SCHILY.xattr.user.note": "hi"}
	fs, _, err := unpackInto(t, LayerOptions(), ping)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"security.capability": string(capNetRaw), "user.note": "hi"} {
		v := make([]byte, 64)
		n, err := unix.Getxattr(filepath.Join(fs, "bin/ping"), name, v)
		if err != nil || string(v[:n]) != want {
			t.Errorf("%s = %x, %v; want %x", name, v[:n], err, want)
		}
	}
}

// TestUnpackLayerGNUSparse: a sparse file from GNU tar (--sparse, the 'S'
// type that Go's writer cannot make) comes out whole, holes as zeros.
func TestUnpackLayerGNUSparse(t *testing.T) {
	tarBin := testenv.RequireTool(t, "tar")
	src := t.TempDir()
	f, err := os.Create(filepath.Join(src, "holes"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("end"), 1<<20)
	f.Close()
	out, err := exec.Command(tarBin, "--sparse", "--format=gnu", "-cf", "-", "-C", src, "holes").Output()
	if err != nil {
		t.Fatal(err)
	}
	if out[156] != tar.TypeGNUSparse {
		t.Fatalf("GNU tar wrote type %q, want 'S'", out[156])
	}
	fs := t.TempDir()
	if err := UnpackLayer(fs, bytes.NewReader(out), Options{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(fs, "holes"))
	if err != nil || len(b) != 1<<20+3 || string(b[1<<20:]) != "end" || b[100] != 0 {
		t.Errorf("holes: %d bytes, %v", len(b), err)
	}
}
