package runtime

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

func TestParseConfigAcceptsNewerVersionAndExample(t *testing.T) {
	s := Example()
	s.Version = "1.9.0"
	b, _ := json.Marshal(s)
	if _, err := ParseConfig(b); err != nil {
		t.Fatal(err)
	}
}

func TestParseConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		`{"ociVersion":"1.2.0","root":{"path":7}}`:                                         "field root.path",
		`{"ociVersion":"1.2.0","root":{"path":"r"}}`:                                       "process: missing",
		`{"ociVersion":"1.2.0","root":{"path":"r"},"process":{"args":["sh"],"cwd":"rel"}}`: `process.cwd: "rel"`,
		`{"root":{"path":"r"}}`:                                                            "ociVersion: missing",
		``:                                                                                 "malformed JSON",
	}
	for in, want := range cases {
		_, err := ParseConfig([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	b, _ := json.Marshal(Example())
	f.Add(b)
	f.Add([]byte(`{"ociVersion":"1.2.0","root":{"path":7}}`))
	f.Add([]byte(`{"ociVersion":"1.2.0"}}`))
	f.Add([]byte(`{"linux":{"namespaces":[{"type":"bogus"}]}}`))
	user := Example()
	user.Linux.Namespaces = append(user.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace},
		specs.LinuxNamespace{Type: specs.TimeNamespace})
	user.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	user.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 1, Size: 9}}
	user.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: -5, Nanosecs: 7}}
	b, _ = json.Marshal(user)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseConfig(data)
		if err == nil && (s.Root == nil || s.Process == nil || s.Linux == nil || len(s.Process.Args) == 0) {
			t.Fatalf("accepted an incomplete config: %s", data)
		}
	})
}
