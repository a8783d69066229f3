package cgroups

import (
	"encoding/json"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// FuzzResources translates arbitrary linux.resources JSON with both
// drivers' checks and the v2 devices compiler: no panic, and every v2 write goes to a file name in the
// group's own directory.
func FuzzResources(f *testing.F) {
	f.Add(`{"memory":{"limit":67108864,"swap":100663296,"reservation":1},"pids":{"limit":10}}`)
	f.Add(`{"cpu":{"shares":1024,"quota":-1,"period":0,"cpus":"0-1"},"blockIO":{"weight":10,"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1}]}}`)
	f.Add(`{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]}`)
	f.Add(`{"unified":{"memory.high":"max","../x":"1"},"memory":{"swap":5}}`)
	f.Fuzz(func(t *testing.T, js string) {
		var r specs.LinuxResources
		if json.Unmarshal([]byte(js), &r) != nil {
			return
		}
		checkV1(&r)
		if insns, err := devicesProgram(r.Devices); err == nil && len(insns) < 8 {
			t.Fatalf("devices program of %d instructions", len(insns))
		}
		ws, err := v2Writes(&r)
		if err != nil {
			return
		}
		for _, w := range ws {
			if w.file == "" || strings.Contains(w.file, "/") {
				t.Fatalf("v2 write to %q", w.file)
			}
		}
	})
}
