package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestV1BlkioThrottle: a read-bps rule for this machine's first block
// device reads back from blkio.throttle.read_bps_device.
func TestV1BlkioThrottle(t *testing.T) {
	m := testGroup(t)
	devs, _ := filepath.Glob("/sys/block/*/dev")
	if len(devs) == 0 {
		t.Skip("no block devices in /sys/block")
	}
	b, err := os.ReadFile(devs[0])
	if err != nil {
		t.Fatal(err)
	}
	var dev specs.LinuxThrottleDevice
	if _, err := fmt.Sscanf(strings.TrimSpace(string(b)), "%d:%d", &dev.Major, &dev.Minor); err != nil {
		t.Fatalf("%s: %v", devs[0], err)
	}
	dev.Rate = 1 << 20
	r := &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{Weight: ptr[uint16](500), ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{dev}}}
	if err := m.Set(r); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(b)) + " 1048576\n"
	if got, _ := os.ReadFile(filepath.Join(m.(*v1).dir("blkio"), "blkio.throttle.read_bps_device")); string(got) != want {
		t.Errorf("blkio.throttle.read_bps_device = %q, want %q", got, want)
	}
}

// TestV1SetErrors: resources v1 cannot take, or that are malformed, are
// refused with the field named.
func TestV1SetErrors(t *testing.T) {
	m := testGroup(t)
	bad := &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](5)}, Devices: []specs.LinuxDeviceCgroup{{Type: "q"}}}
	if err := m.Set(bad); err == nil {
		t.Fatal("Set with a bad device rule succeeded")
	}
	if _, err := os.Stat(m.(*v1).dir("pids")); !os.IsNotExist(err) {
		t.Errorf("a refused Set left the group behind: %v", err)
	}
	for _, tc := range []struct {
		r    specs.LinuxResources
		want string
	}{
		{specs.LinuxResources{Unified: map[string]string{"memory.high": "1"}}, "needs cgroup v2"},
		{specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](2 << 20), Swap: ptr[int64](1 << 20)}}, "memory+swap"},
		{specs.LinuxResources{Memory: &specs.LinuxMemory{Swappiness: ptr[uint64](200)}}, "swappiness 200"},
		{specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: true, Type: "x"}}}, "devices[0]: type"},
		{specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{}, {Allow: true, Type: "c", Access: "rwx"}}}, "devices[1]: access"},
		{specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "99999"}}, "cpuset.cpus"},
	} {
		err := m.Set(&tc.r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Set(%+v) = %v, want an error containing %q", tc.r, err, tc.want)
		}
	}
}

// TestDeviceRuleFormat checks the devices.allow/deny line format.
func TestDeviceRuleFormat(t *testing.T) {
	for _, tc := range []struct {
		r    specs.LinuxDeviceCgroup
		want string
	}{
		{specs.LinuxDeviceCgroup{}, "a"},
		{specs.LinuxDeviceCgroup{Type: "c", Major: ptr[int64](1), Minor: ptr[int64](3), Access: "rw"}, "c 1:3 rw"},
		{specs.LinuxDeviceCgroup{Type: "b", Major: ptr[int64](8)}, "b 8:* rwm"},
		{specs.LinuxDeviceCgroup{Type: "c", Minor: ptr[int64](-1), Access: "m"}, "c *:* m"},
	} {
		if got, err := deviceRule(tc.r); err != nil || got != tc.want {
			t.Errorf("deviceRule(%+v) = %q, %v; want %q", tc.r, got, err, tc.want)
		}
	}
}
