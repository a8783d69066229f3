package cgroups

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// TestLoadDevicesProgram: the compiled rules load through bpf(2) as a
// cgroup device program; a program the verifier refuses (no exit) gives
// an error that carries the verifier's log.
func TestLoadDevicesProgram(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	insns, err := devicesProgram([]specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}, {Allow: true, Type: "c", Major: ptr(int64(1)), Minor: ptr(int64(3)), Access: "rw"}})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := loadDevicesProgram(insns)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	_, err = loadDevicesProgram(insns[:len(insns)-1])
	if err == nil || !strings.Contains(err.Error(), "verifier:") {
		t.Fatalf("a program without exit: %v, want the verifier's refusal", err)
	}
}
