package runtime

import (
	"os"
	"strconv"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestJoinNetworkNamespaceByPath: a container that joins the test's own
// network namespace (/proc/<pid>/ns/net) is in it and sees its interfaces.
func TestJoinNetworkNamespaceByPath(t *testing.T) {
	own := "/proc/" + strconv.Itoa(os.Getpid()) + "/ns/"
	host, err := os.Readlink(own + "net")
	if err != nil {
		t.Fatal(err)
	}
	ifaces, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Fatal(err)
	}
	s := testSpec("sh", "-c", "readlink /proc/self/ns/net; ls /sys/class/net | wc -l")
	setNSPath(s, specs.NetworkNamespace, own+"net")
	code, out := runBundle(t, s)
	want := host + "\n" + strconv.Itoa(len(ifaces)) + "\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, output %q, want %q", code, out, want)
	}
}

func TestJoinNamespaceErrors(t *testing.T) {
	s := testSpec("true")
	setNSPath(s, specs.NetworkNamespace, "/nonexistent/ns")
	expectCreateFails(t, makeBundle(t, s), "linux.namespaces[1].path: no such file or directory")
	s = testSpec("true")
	uts := "/proc/" + strconv.Itoa(os.Getpid()) + "/ns/uts"
	setNSPath(s, specs.NetworkNamespace, uts)
	expectCreateFails(t, makeBundle(t, s), "setns "+uts+" (network): invalid argument")
	s = testSpec("true")
	setNSPath(s, specs.PIDNamespace, "/proc/1/ns/pid")
	expectCreateFails(t, makeBundle(t, s), "joining a pid namespace by path is not supported yet")
}

func setNSPath(s *specs.Spec, typ specs.LinuxNamespaceType, path string) {
	for i := range s.Linux.Namespaces {
		if s.Linux.Namespaces[i].Type == typ {
			s.Linux.Namespaces[i].Path = path
		}
	}
}
