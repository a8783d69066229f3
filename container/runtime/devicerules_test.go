package runtime

import (
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestDefaultDevicesAfterDenyAll: with a deny-all device rule (as runc's
// and runtime-tools' configs have), the default devices stay usable (a
// shell's `cmd &` opens /dev/null). (That the deny rule itself holds is
// container/cgroups' TestV1DevicesDenyAll.)
func TestDefaultDevicesAfterDenyAll(t *testing.T) {
	s := testSpec("sh", "-c", "sleep 0 & wait; head -c 3 /dev/zero | wc -c; echo x > /dev/null && echo null ok")
	s.Linux.Resources = &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
	code, out := runBundle(t, s)
	if code != 0 || out != "3\nnull ok\n" {
		t.Fatalf("exit %d, output %q; want /dev/zero and /dev/null usable", code, out)
	}
}

func TestWithDeviceRulesLeavesConfigAlone(t *testing.T) {
	if got := withDeviceRules(nil, nil); got != nil {
		t.Fatalf("nil resources became %+v", got)
	}
	res := &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}
	devs := []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229}, {Path: "/dev/p", Type: "p"}}
	got := withDeviceRules(res, devs)
	if len(res.Devices) != 1 {
		t.Fatalf("the config's rules changed: %+v", res.Devices)
	}
	last := got.Devices[len(got.Devices)-1]
	if len(got.Devices) != 1+len(defaultDeviceRules)+1 || !last.Allow || *last.Major != 10 || *last.Minor != 229 {
		t.Fatalf("rules %+v; want deny-all, the defaults, then /dev/fuse allowed (the fifo needs none)", got.Devices)
	}
}
