package runtime

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// agentResult is what the test's seccomp agent saw.
type agentResult struct {
	state   specs.ContainerProcessState
	syscall string // the notified syscall's number, as text
	pid     int    // the pid the notification came from
	err     error
}

// seccompAgent listens on path, takes the state and the listener fd the
// container's init sends, answers the first notified syscall with
// -errno, and reports.
func seccompAgent(t *testing.T, path string, errno unix.Errno) <-chan agentResult {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan agentResult, 1)
	go func() {
		var r agentResult
		r.err = serveOne(ln, &r, errno)
		ch <- r
	}()
	return ch
}

func serveOne(ln *net.UnixListener, r *agentResult, errno unix.Errno) error {
	conn, err := ln.AcceptUnix()
	if err != nil {
		return err
	}
	defer conn.Close()
	buf, oob := make([]byte, 64<<10), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(buf[:n], &r.state); err != nil {
		return fmt.Errorf("state %q: %w", buf[:n], err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return fmt.Errorf("control messages %v, %v", msgs, err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return fmt.Errorf("fds %v, %v", fds, err)
	}
	defer unix.Close(fds[0])
	return answerOne(fds[0], r, errno)
}

// answerOne receives one notification (struct seccomp_notif: id, pid,
// flags, seccomp_data) and answers it (struct seccomp_notif_resp: id, val,
// error, flags) with -errno.
func answerOne(fd int, r *agentResult, errno unix.Errno) error {
	if n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 20000); n != 1 {
		return fmt.Errorf("no notification within 20 s: %v", err)
	}
	var notif [80]byte
	if err := ioctlPtr(fd, unix.SECCOMP_IOCTL_NOTIF_RECV, unsafe.Pointer(&notif[0])); err != nil {
		return fmt.Errorf("NOTIF_RECV: %w", err)
	}
	r.pid = int(binary.NativeEndian.Uint32(notif[8:]))
	r.syscall = fmt.Sprint(int32(binary.NativeEndian.Uint32(notif[16:])))
	var resp [24]byte // val 0 and error 0 unless errno: a faked success
	copy(resp[:8], notif[:8])
	binary.NativeEndian.PutUint32(resp[16:], uint32(-int32(errno)))
	if err := ioctlPtr(fd, unix.SECCOMP_IOCTL_NOTIF_SEND, unsafe.Pointer(&resp[0])); err != nil {
		return fmt.Errorf("NOTIF_SEND: %w", err)
	}
	return nil
}

func ioctlPtr(fd int, req uint, p unsafe.Pointer) error {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(p))
	if errno != 0 {
		return errno
	}
	return nil
}

// notifySpec runs args with mkdir and mkdirat sent to the agent at path.
func notifySpec(path string, args ...string) *specs.Spec {
	s := testSpec(args...)
	s.Linux.Seccomp = &specs.LinuxSeccomp{
		DefaultAction:    specs.ActAllow,
		Architectures:    []specs.Arch{specs.ArchX86_64},
		ListenerPath:     path,
		ListenerMetadata: "agent-metadata",
		Syscalls:         []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActNotify}},
	}
	s.Linux.CgroupsPath = fmt.Sprintf("deepsys-test/listener-%d", os.Getpid())
	return s
}

// TestSeccompListener: with linux.seccomp.listenerPath the agent gets
// the container's process state (fds ["seccompFd"], its pid, the
// metadata) and the listener fd; the container's mkdir is notified to the
// agent, whose answer the container sees: EDQUOT, or a faked success
// (mkdir returns 0 but no directory is made; this one with
// noNewPrivileges false, so the filter goes in without no_new_privs).
func TestSeccompListener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.sock")
	agent := seccompAgent(t, path, unix.EDQUOT)
	code, out := runBundle(t, notifySpec(path, "sh", "-c", "mkdir /tmp/x; echo status $?; ls -d /tmp/x 2>/dev/null; echo end"))
	r := <-agent
	if r.err != nil {
		t.Fatalf("agent: %v", r.err)
	}
	if code != 0 || !strings.Contains(out, "Disk quota exceeded") || !strings.HasSuffix(out, "status 1\nend\n") {
		t.Errorf("exit %d, output %q; want mkdir to fail with the agent's EDQUOT", code, out)
	}
	st := r.state
	if len(st.Fds) != 1 || st.Fds[0] != specs.SeccompFdName || st.Metadata != "agent-metadata" || st.State.ID != "t" ||
		st.Pid == 0 || st.State.Pid != st.Pid || st.Version != specs.Version {
		t.Errorf("container process state %+v", st)
	}
	if r.syscall != fmt.Sprint(unix.SYS_MKDIR) && r.syscall != fmt.Sprint(unix.SYS_MKDIRAT) {
		t.Errorf("notified syscall %s, want mkdir or mkdirat", r.syscall)
	}

	path = filepath.Join(t.TempDir(), "agent.sock")
	agent = seccompAgent(t, path, 0)
	s := notifySpec(path, "sh", "-c", "mkdir /tmp/x; echo status $?; ls -d /tmp/x || echo no dir; grep NoNewPrivs /proc/self/status")
	s.Process.NoNewPrivileges = false // the filter goes in without no_new_privs (CAP_SYS_ADMIN)
	code, out = runBundle(t, s)
	if r := <-agent; r.err != nil {
		t.Fatalf("agent: %v", r.err)
	}
	if code != 0 || !strings.HasPrefix(out, "status 0\n") || !strings.HasSuffix(out, "no dir\nNoNewPrivs:\t0\n") {
		t.Errorf("faked success without no_new_privs: exit %d, output %q; want mkdir to say 0, no directory, NoNewPrivs 0", code, out)
	}
}

// TestSeccompListenerBadConfigs: what cannot work is refused at create,
// with the field named and nothing left behind.
func TestSeccompListenerBadConfigs(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "agent.sock")
	ln, err := net.Listen("unix", live)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	noListener := notifySpec("", "true")
	relative := notifySpec("agent.sock", "true")
	sendmsg := notifySpec(live, "true")
	sendmsg.Linux.Seccomp.Syscalls[0].Names = []string{"sendmsg"}
	for name, tc := range map[string]struct {
		s    *specs.Spec
		want string
	}{
		"notify without a listener": {noListener, "needs linux.seccomp.listenerPath"},
		"relative listenerPath":     {relative, "not an absolute path"},
		"no agent listening":        {notifySpec(filepath.Join(dir, "none.sock"), "true"), "connect: no such file"},
		"sendmsg notified":          {sendmsg, "sendmsg must be allowed"},
	} {
		root := t.TempDir()
		_, err := Create(CreateOptions{Root: root, ID: "bad", Bundle: makeBundle(t, tc.s)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error with %q", name, err, tc.want)
		}
		assertEmptyRoot(t, root)
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/pids", tc.s.Linux.CgroupsPath)); !os.IsNotExist(err) {
			t.Errorf("%s: the container's cgroup is left behind: %v", name, err)
		}
	}
}

// TestSeccompListenerInUserNamespace: in a new user namespace (container
// root mapped to host root, the rest to 100001..) the init still reaches
// the agent and its filter's notifications reach it.
func TestSeccompListenerInUserNamespace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.sock")
	agent := seccompAgent(t, path, unix.EDQUOT)
	s := withUserNS(notifySpec(path, "sh", "-c", "mkdir /tmp/x; echo status $?"),
		specs.LinuxIDMapping{ContainerID: 0, HostID: 0, Size: 1}, specs.LinuxIDMapping{ContainerID: 1, HostID: 100001, Size: 65535})
	code, out := runBundle(t, s)
	if r := <-agent; r.err != nil {
		t.Fatalf("agent: %v", r.err)
	}
	if code != 0 || !strings.Contains(out, "Disk quota exceeded\nstatus 1\n") {
		t.Errorf("exit %d, output %q; want the agent's EDQUOT", code, out)
	}
}
