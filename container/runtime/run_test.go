package runtime

import (
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunTrue(t *testing.T) {
	if code, out := runBundle(t, testSpec("true")); code != 0 {
		t.Fatalf("true exited %d: %s", code, out)
	}
}

func TestRunExitCode(t *testing.T) {
	if code, out := runBundle(t, testSpec("sh", "-c", "exit 3")); code != 3 {
		t.Fatalf("exit 3 gave %d: %s", code, out)
	}
}

func TestRunEcho(t *testing.T) {
	code, out := runBundle(t, testSpec("echo", "hello", "container"))
	if code != 0 || out != "hello container\n" {
		t.Fatalf("echo: exit %d, output %q", code, out)
	}
}

// TestPidNamespace: the shell is pid 1 and ps sees only it and itself.
func TestPidNamespace(t *testing.T) {
	code, out := runBundle(t, testSpec("sh", "-c", "echo $$; ps -o pid= > /tmp/ps; wc -l < /tmp/ps; readlink /proc/1/exe"))
	if code != 0 || out != "1\n2\n/bin/busybox\n" {
		t.Fatalf("exit %d, output %q; want pid 1, two processes, busybox as pid 1", code, out)
	}
}

func TestHostname(t *testing.T) {
	code, out := runBundle(t, testSpec("hostname"))
	if code != 0 || out != "deepsys-test\n" {
		t.Fatalf("hostname: exit %d, %q", code, out)
	}
}

// TestNetworkNamespace: a new network namespace has only loopback.
func TestNetworkNamespace(t *testing.T) {
	code, out := runBundle(t, testSpec("ls", "/sys/class/net"))
	if code != 0 || out != "lo\n" {
		t.Fatalf("ls /sys/class/net: exit %d, %q; want only lo", code, out)
	}
}

func TestReadonlyRoot(t *testing.T) {
	s := testSpec("sh", "-c", "touch /x && echo wrote; touch /dev/shm/y && echo tmpfs ok")
	s.Root.Readonly = true
	code, out := runBundle(t, s)
	if code != 0 || !strings.Contains(out, "Read-only file system") || strings.Contains(out, "wrote") ||
		!strings.Contains(out, "tmpfs ok") {
		t.Fatalf("exit %d, output %q; want / read-only and /dev/shm writable", code, out)
	}
}

// TestMaskedAndReadonlyPaths: /proc/timer_list (7 kB on the host) reads
// as /dev/null, a masked
// directory is empty, /proc/sys refuses writes.
func TestMaskedAndReadonlyPaths(t *testing.T) {
	s := testSpec("sh", "-c", "wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo x > /proc/sys/kernel/hostname && echo wrote; true")
	code, out := runBundle(t, s)
	if code != 0 || !strings.HasPrefix(out, "0\n0\n") || strings.Contains(out, "wrote") ||
		!strings.Contains(out, "Read-only file system") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// TestSeccompDenied: mkdir is refused with EPERM by linux.seccomp.
func TestSeccompDenied(t *testing.T) {
	eperm := uint(1)
	s := testSpec("sh", "-c", "mkdir /tmp/a; echo status $?; echo alive")
	s.Linux.Seccomp = &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno,
			ErrnoRet: &eperm}},
	}
	code, out := runBundle(t, s)
	if code != 0 || !strings.Contains(out, "Operation not permitted") || !strings.Contains(out, "status 1\nalive") {
		t.Fatalf("exit %d, output %q; want mkdir to fail with EPERM", code, out)
	}
}

func TestProcessUserAndCwd(t *testing.T) {
	s := testSpec("sh", "-c", "id -u; id -g; id -G; pwd")
	s.Process.User = specs.User{UID: 1000, GID: 1001, AdditionalGids: []uint32{1002}}
	s.Process.Cwd = "/tmp"
	code, out := runBundle(t, s)
	if code != 0 || out != "1000\n1001\n1001 1002\n/tmp\n" {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// TestSeccompWithoutNoNewPrivs: with noNewPrivileges false the filter is
// installed without no_new_privs (CAP_SYS_ADMIN kept until execve), and
// still denies; with it true, no_new_privs is set.
func TestSeccompWithoutNoNewPrivs(t *testing.T) {
	eperm := uint(1)
	for nnp, want := range map[bool]string{false: "NoNewPrivs:\t0\n", true: "NoNewPrivs:\t1\n"} {
		s := testSpec("sh", "-c", "grep NoNewPrivs /proc/self/status; mkdir /tmp/a 2>/dev/null || echo denied")
		s.Process.NoNewPrivileges = nnp
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{specs.ArchX86_64},
			Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: &eperm}}}
		if code, out := runBundle(t, s); code != 0 || out != want+"denied\n" {
			t.Errorf("noNewPrivileges %v: exit %d, output %q; want %q and mkdir denied", nnp, code, out, want)
		}
	}
}
