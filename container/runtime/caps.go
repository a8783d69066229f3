package runtime

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// capNames are the capabilities by number (capabilities(7),
// include/uapi/linux/capability.h).
var capNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
	"CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// capMask turns names into a 64-bit set, naming the field of a bad one.
func capMask(field string, names []string) (uint64, error) {
	var m uint64
	for i, n := range names {
		j := indexOf(capNames, strings.ToUpper(n))
		if j < 0 {
			return 0, fmt.Errorf("process.capabilities.%s[%d]: unknown capability %q", field, i, n)
		}
		m |= 1 << j
	}
	return m, nil
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// capSets are process.capabilities as masks.
type capSets struct{ bounding, effective, permitted, inheritable, ambient uint64 }

func parseCaps(c *specs.LinuxCapabilities) (*capSets, error) {
	if c == nil {
		return nil, nil
	}
	var s capSets
	for _, f := range []struct {
		name  string
		names []string
		dst   *uint64
	}{{"bounding", c.Bounding, &s.bounding}, {"effective", c.Effective, &s.effective},
		{"permitted", c.Permitted, &s.permitted}, {"inheritable", c.Inheritable, &s.inheritable},
		{"ambient", c.Ambient, &s.ambient}} {
		m, err := capMask(f.name, f.names)
		if err != nil {
			return nil, err
		}
		*f.dst = m
	}
	return &s, nil
}

// dropBounding removes from the thread's bounding set every capability
// not in s.bounding (prctl(2) PR_CAPBSET_DROP); it needs CAP_SETPCAP, so
// it runs before the uid changes.
func (s *capSets) dropBounding() error {
	last, err := lastCap()
	if err != nil {
		return err
	}
	for c := 0; c <= last; c++ {
		if s.bounding&(1<<c) != 0 {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return fmt.Errorf("dropping %s from the bounding set: %w", capName(c), err)
		}
	}
	return nil
}

// apply sets effective, permitted and inheritable with capset(2) (version
// 3: two 32-bit words per set) and raises the ambient ones. extra is added
// to the effective and permitted sets until execve (seccompAdmin).
func (s *capSets) apply(extra uint64) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	eff, perm := s.effective|extra, s.permitted|extra
	for i := range data {
		data[i] = unix.CapUserData{Effective: uint32(eff >> (32 * i)),
			Permitted: uint32(perm >> (32 * i)), Inheritable: uint32(s.inheritable >> (32 * i))}
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	for c := 0; c < 64; c++ {
		if s.ambient&(1<<c) == 0 {
			continue
		}
		if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, uintptr(c), 0, 0); err != nil {
			return fmt.Errorf("raising ambient %s: %w", capName(c), err)
		}
	}
	return nil
}

func capName(c int) string {
	if c < len(capNames) {
		return capNames[c]
	}
	return "capability " + strconv.Itoa(c)
}

// lastCap is the highest capability this kernel knows.
func lastCap() (int, error) {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
