package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestBadConfigs: each bad bundle fails create with an error naming the
// field, and leaves no state directory and no process behind.
func TestBadConfigs(t *testing.T) {
	cases := []struct {
		name, want string
		edit       func(t *testing.T, bundle string, s *specs.Spec)
	}{
		{"unknown namespace", `linux.namespaces[6].type: unknown namespace type "bogus"`,
			func(_ *testing.T, _ string, s *specs.Spec) {
				s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "bogus"})
			}},
		{"missing rootfs", `root.path:`, func(_ *testing.T, _ string, s *specs.Spec) { s.Root.Path = "nowhere" }},
		{"missing program", `process.args[0]: "no-such-program": executable file not found`,
			func(_ *testing.T, _ string, s *specs.Spec) { s.Process.Args = []string{"no-such-program"} }},
		{"bad mount", `mounts[6] (nosuchfs on /mnt)`, func(_ *testing.T, _ string, s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt", Type: "nosuchfs", Source: "x"})
		}},
		{"bad rlimit", `process.rlimits[1].type: unknown "RLIMIT_BOGUS"`, func(_ *testing.T, _ string, s *specs.Spec) {
			s.Process.Rlimits = append(s.Process.Rlimits, specs.POSIXRlimit{Type: "RLIMIT_BOGUS"})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testSpec("true")
			bundle := makeBundle(t, s)
			c.edit(t, bundle, s)
			writeConfig(t, bundle, s)
			expectCreateFails(t, bundle, c.want)
		})
	}
}

func TestMalformedJSON(t *testing.T) {
	bundle := makeBundle(t, testSpec("true"))
	os.WriteFile(filepath.Join(bundle, ConfigName), []byte("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\n  \"path\": }}"), 0o644)
	expectCreateFails(t, bundle, "malformed JSON at line 4 column 11")
	os.WriteFile(filepath.Join(bundle, ConfigName), []byte(`{"ociVersion": "1.2.0"}}`), 0o644)
	expectCreateFails(t, bundle, "trailing data after the object at offset 23")
	os.WriteFile(filepath.Join(bundle, ConfigName), []byte(`{"ociVersion": "1.2.0", "rooot": {}}`), 0o644)
	expectCreateFails(t, bundle, `unknown field "rooot"`)
}

func expectCreateFails(t *testing.T, bundle, want string) {
	t.Helper()
	root := t.TempDir()
	_, err := Create(CreateOptions{Root: root, ID: "bad", Bundle: bundle})
	if err == nil {
		t.Fatal("create succeeded")
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	assertEmptyRoot(t, root)
}
