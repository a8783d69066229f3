package runtime

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"

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
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/self/ns/user"})
	expectCreateFails(t, makeBundle(t, s), "linux.namespaces[6].path: cannot join a user namespace: setns(2) into a user namespace needs a single-threaded caller")
}

// TestJoinPidAndCgroupNamespaceByPath: a second container that joins the
// first one's pid and cgroup namespaces by /proc/<pid>/ns/* sees the
// first one's process as pid 1 and is not pid 1 itself.
func TestJoinPidAndCgroupNamespaceByPath(t *testing.T) {
	a := startDetached(t, testSpec("sleep", "100"))
	ns := "/proc/" + strconv.Itoa(a.pid) + "/ns/"
	s := testSpec("sh", "-c", "cat /proc/1/cmdline; echo; "+
		"for n in pid cgroup; do readlink /proc/self/ns/$n; done; test $$ != 1 && echo not-pid-1")
	setNSPath(s, specs.PIDNamespace, ns+"pid")
	setNSPath(s, specs.CgroupNamespace, ns+"cgroup")
	var want strings.Builder
	want.WriteString("sleep\x00100\x00\n")
	for _, n := range []string{"pid", "cgroup"} {
		link, err := os.Readlink(ns + n)
		if err != nil {
			t.Fatal(err)
		}
		want.WriteString(link + "\n")
	}
	want.WriteString("not-pid-1\n")
	code, out := runBundle(t, s)
	if code != 0 || out != want.String() {
		t.Fatalf("exit %d, output %q, want %q", code, out, want.String())
	}
}

// TestJoinUnsharedMountNamespace: a container joins the mount namespace
// of a process made by unshare(1), which has a tmpfs on the rootfs's /tmp
// that the host does not see. As runc does, the container's root is still
// set up in that namespace (rootfs bound recursively, mounts, pivot_root):
// the container sees the tmpfs's file at /tmp, and is in that namespace.
func TestJoinUnsharedMountNamespace(t *testing.T) {
	bundle := makeBundle(t, testSpec("true"))
	rootfs := filepath.Join(bundle, "rootfs")
	script := "mount -t tmpfs t " + rootfs + "/tmp && touch " + rootfs + "/tmp/marker && echo ready && exec sleep 100"
	cmd := exec.Command(testenv.RequireTool(t, "unshare"), "--mount", "--propagation", "private", "sh", "-c", script)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("unshare: %q %v", line, err)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "tmp", "marker")); err == nil {
		t.Fatal("the marker is visible outside the unshared namespace")
	}
	mnt := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/ns/mnt"
	want, err := os.Readlink(mnt)
	if err != nil {
		t.Fatal(err)
	}
	s := testSpec("sh", "-c", "ls /tmp; readlink /proc/self/ns/mnt")
	setNSPath(s, specs.MountNamespace, mnt)
	writeConfig(t, bundle, s)
	code, out := runBundleIn(t, bundle)
	if code != 0 || out != "marker\n"+want+"\n" {
		t.Fatalf("exit %d, output %q, want the marker and %s", code, out, want)
	}
}

func setNSPath(s *specs.Spec, typ specs.LinuxNamespaceType, path string) {
	for i := range s.Linux.Namespaces {
		if s.Linux.Namespaces[i].Type == typ {
			s.Linux.Namespaces[i].Path = path
		}
	}
}
