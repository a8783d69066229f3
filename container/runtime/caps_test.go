package runtime

import (
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestCapabilities: with CAP_CHOWN and CAP_KILL only (bits 0 and 5), the
// shell's sets read 0x21 and sethostname, which needs CAP_SYS_ADMIN, is
// refused.
func TestCapabilities(t *testing.T) {
	s := testSpec("sh", "-c", "grep -E '^Cap(Bnd|Eff|Prm)' /proc/self/status; hostname other; hostname")
	two := []string{"CAP_CHOWN", "CAP_KILL"}
	s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: two, Effective: two, Permitted: two}
	code, out := runBundle(t, s)
	want := "CapPrm:\t0000000000000021\nCapEff:\t0000000000000021\nCapBnd:\t0000000000000021\n"
	if code != 0 || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "deepsys-test\n") ||
		!strings.Contains(out, "Operation not permitted") {
		t.Fatalf("exit %d, output %q; want %q, then hostname refused", code, out, want)
	}
}

// TestAmbientCapabilitiesForNonRoot: a non-root process keeps an ambient
// capability across execve.
func TestAmbientCapabilitiesForNonRoot(t *testing.T) {
	s := testSpec("grep", "^CapEff", "/proc/self/status")
	s.Process.User = specs.User{UID: 1000, GID: 1000}
	one := []string{"CAP_NET_BIND_SERVICE"} // bit 10
	s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: one, Effective: one, Permitted: one,
		Inheritable: one, Ambient: one}
	code, out := runBundle(t, s)
	if code != 0 || out != "CapEff:\t0000000000000400\n" {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestUnknownCapability(t *testing.T) {
	s := testSpec("true")
	s.Process.Capabilities = &specs.LinuxCapabilities{Effective: []string{"CAP_CHOWN", "CAP_FLY"}}
	expectCreateFails(t, makeBundle(t, s), `process.capabilities.effective[1]: unknown capability "CAP_FLY"`)
}
