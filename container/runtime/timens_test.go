package runtime

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestTimeNamespaceOffsets: a container with a new time namespace and a
// boottime offset of 10 days sees /proc/uptime 10 days ahead of the host,
// and is in another time namespace than the runtime.
func TestTimeNamespaceOffsets(t *testing.T) {
	const offset = 10 * 86400
	s := testSpec("sh", "-c", "cat /proc/uptime; readlink /proc/self/ns/time")
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
	s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{
		"boottime": {Secs: offset}, "monotonic": {Secs: offset, Nanosecs: 500},
	}
	before := uptime(t)
	code, out := runBundle(t, s)
	after := uptime(t)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, output %q", code, out)
	}
	inside, err := strconv.ParseFloat(strings.Fields(lines[0])[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	if inside < before+offset || inside > after+offset {
		t.Errorf("uptime inside %.2f, want between %.2f and %.2f (host + %d s)", inside, before+offset, after+offset, offset)
	}
	host, _ := os.Readlink("/proc/self/ns/time")
	if lines[1] == host || !strings.HasPrefix(lines[1], "time:[") {
		t.Errorf("time namespace inside %q, host %q", lines[1], host)
	}
}

func uptime(t *testing.T) float64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		t.Fatal(err)
	}
	f, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTimeNamespaceErrors: offsets without a new time namespace, an
// unknown clock and joining a time namespace by path are refused before
// anything starts.
func TestTimeNamespaceErrors(t *testing.T) {
	cases := map[string]func(s *specs.Spec){
		"linux.timeOffsets: needs a new time namespace": func(s *specs.Spec) {
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}}
		},
		`linux.timeOffsets: unknown clock "realtime"`: func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"realtime": {Secs: 1}}
		},
		// the kernel refuses it (the init's error, from before it reads its config)
		"container init: linux.timeOffsets: writing timens_offsets: numerical result out of range": func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: 1 << 62}}
		},
		"linux.namespaces[6].path: cannot join a time namespace: setns(2) into a time namespace needs a single-threaded caller": func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace, Path: "/proc/self/ns/time"})
		},
	}
	for want, edit := range cases {
		s := testSpec("true")
		edit(s)
		expectCreateFails(t, makeBundle(t, s), want)
	}
}
