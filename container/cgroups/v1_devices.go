package cgroups

import (
	"fmt"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// setDevices writes each rule, in order, to devices.allow or devices.deny
// (Documentation/admin-guide/cgroup-v1/devices.rst): "type major:minor
// access", with "*" for a missing number; type "a" stands alone.
func (m *v1) setDevices(r *specs.LinuxResources) error {
	if len(r.Devices) == 0 {
		return nil
	}
	d, err := m.need("devices", "devices")
	if err != nil {
		return err
	}
	for i, rule := range r.Devices {
		line, err := deviceRule(rule)
		if err != nil {
			return fmt.Errorf("cgroups: linux.resources.devices[%d]: %w", i, err)
		}
		file := "devices.deny"
		if rule.Allow {
			file = "devices.allow"
		}
		if err := writeFile(d, file, line); err != nil {
			return err
		}
	}
	return nil
}

// deviceRule formats one OCI device rule for devices.allow/deny.
func deviceRule(r specs.LinuxDeviceCgroup) (string, error) {
	typ := r.Type
	if typ == "" {
		typ = "a"
	}
	switch typ {
	case "a":
		return "a", nil
	case "b", "c":
	default:
		return "", fmt.Errorf("type %q is not a, b or c", r.Type)
	}
	access := r.Access
	if access == "" {
		access = "rwm"
	}
	for _, c := range access {
		if c != 'r' && c != 'w' && c != 'm' {
			return "", fmt.Errorf("access %q: only r, w and m are allowed", r.Access)
		}
	}
	return fmt.Sprintf("%s %s:%s %s", typ, devNum(r.Major), devNum(r.Minor), access), nil
}

func devNum(n *int64) string {
	if n == nil || *n < 0 {
		return "*"
	}
	return strconv.FormatInt(*n, 10)
}
