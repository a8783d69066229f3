package runtime

import "github.com/opencontainers/runtime-spec/specs-go"

// Device cgroup rules for the devices every container gets. A config whose
// linux.resources.devices starts with deny-all (runc's `spec` and
// runtime-tools' generator both write one) would otherwise deny the
// default devices this package bind-mounts into /dev (devices.go) and the
// linux.devices it makes, and a shell could not even open /dev/null.
// runc appends the same allow rules (libcontainer/specconv AllowedDevices)
// after the config's, so they win (config-linux.md "Allowed Device
// Cgroup": later rules override earlier ones).

// defaultDeviceRules: /dev/null, zero, full, random, urandom, tty, ptmx,
// and the pts slaves (major 136) the container's devpts hands out.
var defaultDeviceRules = []specs.LinuxDeviceCgroup{
	charRule(1, 3), charRule(1, 5), charRule(1, 7), charRule(1, 8), charRule(1, 9),
	charRule(5, 0), charRule(5, 2), {Allow: true, Type: "c", Major: ptr(int64(136)), Access: "rwm"},
}

func charRule(major, minor int64) specs.LinuxDeviceCgroup {
	return specs.LinuxDeviceCgroup{Allow: true, Type: "c", Major: ptr(major), Minor: ptr(minor), Access: "rwm"}
}

func ptr[T any](v T) *T { return &v }

// withDeviceRules returns res with the default devices and each of
// linux.devices allowed after the config's own rules; res itself is not
// changed. Without device rules in res it returns res as it is.
func withDeviceRules(res *specs.LinuxResources, devices []specs.LinuxDevice) *specs.LinuxResources {
	if res == nil || len(res.Devices) == 0 {
		return res
	}
	out := *res
	out.Devices = append(append([]specs.LinuxDeviceCgroup(nil), res.Devices...), defaultDeviceRules...)
	for _, d := range devices {
		typ := d.Type
		switch typ {
		case "p":
			continue // a fifo is no device to the cgroup
		case "u":
			typ = "c" // unbuffered character device
		}
		out.Devices = append(out.Devices, specs.LinuxDeviceCgroup{Allow: true, Type: typ,
			Major: ptr(d.Major), Minor: ptr(d.Minor), Access: "rwm"})
	}
	return &out
}
