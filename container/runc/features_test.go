package runc

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
)

// TestFeatures: features prints runtime-spec's features document; what it
// lists is what create accepts (spot checks of each section).
func TestFeatures(t *testing.T) {
	code, out, errs := runc("features")
	var f features.Features
	if code != 0 || json.Unmarshal([]byte(out), &f) != nil || f.Linux == nil || f.Linux.Seccomp == nil {
		t.Fatalf("features: exit %d, %q, %s", code, out, errs)
	}
	if f.OCIVersionMin != "1.0.0" || f.OCIVersionMax != specs.Version || len(f.Hooks) != 6 {
		t.Errorf("versions %s..%s, hooks %v", f.OCIVersionMin, f.OCIVersionMax, f.Hooks)
	}
	for _, o := range []string{"rbind", "ro", "nosuid", "rslave", "strictatime"} {
		if !slices.Contains(f.MountOptions, o) {
			t.Errorf("mountOptions lack %q", o)
		}
	}
	for _, ns := range []string{"mount", "pid", "network", "uts", "ipc", "cgroup", "user", "time"} {
		if !slices.Contains(f.Linux.Namespaces, ns) {
			t.Errorf("namespaces lack %q", ns)
		}
	}
	sc := f.Linux.Seccomp
	if !*sc.Enabled || !slices.Contains(sc.Actions, "SCMP_ACT_NOTIFY") || len(sc.Operators) != 7 ||
		!slices.Equal(sc.Archs, []string{"SCMP_ARCH_X86_64"}) {
		t.Errorf("seccomp %+v", sc)
	}
	cg := f.Linux.Cgroup
	if !*cg.V1 || !*cg.V2 || *cg.Systemd || *f.Linux.Apparmor.Enabled || *f.Linux.Selinux.Enabled {
		t.Errorf("cgroup %+v, apparmor, selinux: want v1, v2, no systemd, no LSMs", cg)
	}
	if len(f.Linux.Capabilities) != 41 || f.Linux.Capabilities[21] != "CAP_SYS_ADMIN" {
		t.Errorf("capabilities %v", f.Linux.Capabilities)
	}
}
