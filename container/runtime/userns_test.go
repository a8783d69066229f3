package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// withUserNS adds a new user namespace with the same uid and gid ranges.
func withUserNS(s *specs.Spec, m ...specs.LinuxIDMapping) *specs.Spec {
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	s.Linux.UIDMappings, s.Linux.GIDMappings = m, m
	return s
}

// TestUserNamespaceMapping: with container 0 -> host 0 (one id) and
// container 1..65535 -> host 100001.., the container's process reads the
// mapping back from /proc/self/uid_map and gid_map, runs as uid 0 inside,
// and a file it creates as uid 1000 belongs to host uid 101000.
func TestUserNamespaceMapping(t *testing.T) {
	m := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 100001, Size: 65535}}
	s := withUserNS(testSpec("sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; "+
		"touch /tmp/root-file; chown 1000:1000 /tmp/root-file; ls -n /tmp/root-file"), m...)
	s.Process.Capabilities = nil // keep the namespace's full set, to chown
	bundle := makeBundle(t, s)
	code, out := runBundleIn(t, bundle)
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		got = append(got, strings.Join(strings.Fields(l), " "))
	}
	want := []string{"0 0 1", "1 100001 65535", "0 0 1", "1 100001 65535", "0", "0"}
	if code != 0 || len(got) != 7 || strings.Join(got[:6], "|") != strings.Join(want, "|") ||
		!strings.Contains(got[6], " 1000 1000 ") {
		t.Fatalf("exit %d, output %q, want %q then the file owned by 1000:1000", code, out, want)
	}
	fi, err := os.Stat(filepath.Join(bundle, "rootfs", "tmp", "root-file"))
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 101000 || st.Gid != 101000 {
		t.Errorf("on the host the file is owned by %d:%d, want 101000:101000", st.Uid, st.Gid)
	}
}

// TestUserNamespaceUnreachableRoot: a mapping without host uid 0 cannot
// reach the rootfs on a host whose / is not searchable by others (ours:
// mode 0640): create refuses it naming the directory, and leaves nothing.
func TestUserNamespaceUnreachableRoot(t *testing.T) {
	fi, err := os.Stat("/")
	if err != nil {
		t.Fatal(err)
	}
	s := withUserNS(testSpec("true"), specs.LinuxIDMapping{ContainerID: 0, HostID: 100000, Size: 65536})
	bundle := makeBundle(t, s)
	if fi.Mode().Perm()&0o001 != 0 {
		// a host with a searchable /: the same mapping must run
		chownTree(t, filepath.Join(bundle, "rootfs"), 100000)
		if code, out := runBundleIn(t, bundle); code != 0 {
			t.Fatalf("exit %d, output %q", code, out)
		}
		return
	}
	expectCreateFails(t, bundle, "linux.uidMappings: the container's root is host uid 100000 gid 100000, which cannot search /")
}

func chownTree(t *testing.T, dir string, id int) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, id, id)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBadUserMappings: each bad mapping is refused naming the field, and
// nothing is left behind.
func TestBadUserMappings(t *testing.T) {
	one := func(c, h, n uint32) specs.LinuxIDMapping {
		return specs.LinuxIDMapping{ContainerID: c, HostID: h, Size: n}
	}
	cases := map[string]func(s *specs.Spec){
		"linux.uidMappings: mappings need a new user namespace": func(s *specs.Spec) {
			s.Linux.UIDMappings = []specs.LinuxIDMapping{one(0, 0, 1)}
		},
		"linux.uidMappings: a new user namespace needs at least one mapping": func(s *specs.Spec) { withUserNS(s) },
		"linux.uidMappings[0].size: 0":                                       func(s *specs.Spec) { withUserNS(s, one(0, 0, 0)) },
		"linux.uidMappings[1]: containerID range overlaps linux.uidMappings[0]": func(s *specs.Spec) {
			withUserNS(s, one(0, 0, 10), one(5, 1000, 10))
		},
		"linux.uidMappings[1]: hostID range overlaps linux.uidMappings[0]": func(s *specs.Spec) {
			withUserNS(s, one(0, 0, 10), one(10, 5, 10))
		},
		"linux.uidMappings[0]: range runs past id 4294967294": func(s *specs.Spec) { withUserNS(s, one(0, 4294967290, 10)) },
		"linux.uidMappings: container id 0 is not mapped":     func(s *specs.Spec) { withUserNS(s, one(1, 0, 10)) },
	}
	for want, edit := range cases {
		s := testSpec("true")
		edit(s)
		expectCreateFails(t, makeBundle(t, s), want)
	}
}
