package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// kvmGetAPIVersion is KVM_GET_API_VERSION, _IO(0xAE, 0x00); the stable API
// has answered 12 since Linux 2.6.22.
const (
	kvmGetAPIVersion = 0xAE00
	kvmStableAPI     = 12
)

var kvmProbe = &probe{check: func() string {
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Sprintf("needs /dev/kvm: %v", err)
	}
	defer unix.Close(fd)
	v, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), kvmGetAPIVersion, 0)
	if errno != 0 {
		return fmt.Sprintf("KVM_GET_API_VERSION on /dev/kvm: %v", errno)
	}
	if v != kvmStableAPI {
		return fmt.Sprintf("KVM API version %d, want %d", v, kvmStableAPI)
	}
	return ""
}}

// RequireKVM needs a working /dev/kvm.
func RequireKVM(t testing.TB) {
	t.Helper()
	kvmProbe.require(t)
}

// bpfMapCreateAttr is the BPF_MAP_CREATE prefix of union bpf_attr.
type bpfMapCreateAttr struct {
	mapType    uint32
	keySize    uint32
	valueSize  uint32
	maxEntries uint32
}

const (
	bpfMapCreate   = 0 // BPF_MAP_CREATE
	bpfMapTypeArry = 2 // BPF_MAP_TYPE_ARRAY
)

var bpfProbe = &probe{check: func() string {
	attr := bpfMapCreateAttr{mapType: bpfMapTypeArry, keySize: 4, valueSize: 4, maxEntries: 1}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, bpfMapCreate, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return fmt.Sprintf("needs bpf(BPF_MAP_CREATE): %v", errno)
	}
	unix.Close(int(fd))
	return ""
}}

// RequireBPF needs the bpf(2) system call with the right to create maps.
func RequireBPF(t testing.TB) {
	t.Helper()
	bpfProbe.require(t)
}

var netnsProbe = &probe{check: func() string {
	errc := make(chan error, 1)
	go func() { errc <- tryUnshareNet() }()
	if err := <-errc; err != nil {
		return fmt.Sprintf("needs network namespaces: %v", err)
	}
	return ""
}}

// tryUnshareNet enters a fresh network namespace on a locked thread and comes
// back. If it cannot come back, the thread stays locked and dies with the
// goroutine, so no other goroutine ever runs in the wrong namespace.
func tryUnshareNet() error {
	runtime.LockOSThread()
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(orig)
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
	}
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns back to the original namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return nil
}

// RequireNetNS needs the right to create network namespaces.
func RequireNetNS(t testing.TB) {
	t.Helper()
	netnsProbe.require(t)
}

// cgroupRoots are where a v1 memory controller or a v2 hierarchy with
// controllers may be mounted; the first writable one wins.
var cgroupRoots = []string{"/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids", "/sys/fs/cgroup"}

var cgroupProbe = &probe{check: func() string {
	var errs []error
	for _, root := range cgroupRoots {
		if err := tryCgroup(root); err != nil {
			errs = append(errs, err)
			continue
		}
		return ""
	}
	return fmt.Sprintf("needs a writable cgroup hierarchy: %v", errors.Join(errs...))
}}

// tryCgroup creates and removes a child cgroup under root, which must be a
// cgroup file system (it has cgroup.procs).
func tryCgroup(root string) error {
	if _, err := os.Stat(filepath.Join(root, "cgroup.procs")); err != nil {
		return fmt.Errorf("%s is not a cgroup hierarchy", root)
	}
	dir, err := os.MkdirTemp(root, "deepsys-probe-")
	if err != nil {
		return err
	}
	return os.Remove(dir)
}

// RequireCgroups needs a cgroup hierarchy (v1 or v2) in which root can
// create child groups.
func RequireCgroups(t testing.TB) {
	t.Helper()
	cgroupProbe.require(t)
}

// cpuFlags reads the flags line of the first processor in /proc/cpuinfo.
func cpuFlags() (map[string]bool, error) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, val, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(name) == "flags" {
			flags := map[string]bool{}
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
			return flags, nil
		}
	}
	return nil, errors.New("no flags line in /proc/cpuinfo")
}

// RequireCPUFeature needs the CPU to report flag (for example "vmx" or
// "svm") in /proc/cpuinfo. Unlike every other Require function it skips even
// under DEEPSYS_REQUIRE_ALL, because our machines lack such hardware by
// design; it logs that it did. Use it only for hardware, never to hide a
// missing package or permission.
func RequireCPUFeature(t testing.TB, flag string) {
	t.Helper()
	flags, err := cpuFlags()
	if err != nil {
		t.Fatalf("reading CPU flags: %v", err)
	}
	if !flags[flag] {
		t.Logf("testenv: CPU lacks %q; skipping even under %s (hardware this machine lacks by design)",
			flag, RequireAllEnv)
		t.Skipf("skipping: CPU has no %q flag", flag)
	}
}
