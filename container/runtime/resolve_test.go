package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkedRoot is a rootfs with symlinks that point out of it.
func linkedRoot(t testing.TB) string {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc", "real"), 0o755)
	links := map[string]string{
		"abs":         "/etc",
		"up":          "../../../../../etc",
		"etc/rel":     "real",
		"etc/dotdot":  "../abs/real",
		"loop":        "loop",
		"etc/outside": "/../../tmp",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestResolveIn(t *testing.T) {
	root := linkedRoot(t)
	cases := map[string]string{
		"/abs/x":             "/etc/x",
		"/up/x":              "/etc/x",
		"/etc/rel/x":         "/etc/real/x",
		"/etc/dotdot/x":      "/etc/real/x",
		"/../../etc":         "/etc",
		"/etc/outside/a":     "/tmp/a",
		"/new/dir/../file":   "/new/file",
		"relative/./x":       "/relative/x",
		"/":                  "/",
		"/etc/real/../../..": "/",
	}
	for in, want := range cases {
		got, err := resolveIn(root, in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got != filepath.Join(root, want) {
			t.Errorf("resolveIn(%q) = %s, want <root>%s", in, got, want)
		}
	}
	if _, err := resolveIn(root, "/loop/x"); err == nil || !strings.Contains(err.Error(), "too many symlinks") {
		t.Errorf("loop: %v", err)
	}
}

// FuzzResolveIn: whatever the path, the result stays inside root.
func FuzzResolveIn(f *testing.F) {
	for _, s := range []string{"/abs/x", "/up/../..", "etc/dotdot/../../x", "/loop", "//..//.", "/etc/outside/.."} {
		f.Add(s)
	}
	root := linkedRoot(f)
	f.Fuzz(func(t *testing.T, p string) {
		got, err := resolveIn(root, p)
		if err != nil {
			return
		}
		if got != root && !strings.HasPrefix(got, root+"/") {
			t.Fatalf("resolveIn(%q) = %s escapes %s", p, got, root)
		}
	})
}
