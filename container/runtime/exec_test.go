package runtime

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// execIn runs args in d's container as root with the test PATH and
// returns the exit code and stdout+stderr.
func execIn(t *testing.T, d *detached, p *specs.Process) (int, string, error) {
	t.Helper()
	var out bytes.Buffer
	code, err := Exec(d.root, d.id, p, ExecOptions{Stdout: &out, Stderr: &out})
	return code, out.String(), err
}

func execProcess(args ...string) *specs.Process {
	return &specs.Process{Args: args, Env: []string{"PATH=/bin"}, Cwd: "/"}
}

// TestExecSeesTheContainer: an exec'd process has the container's
// hostname, pid namespace (its pid 1 is the container's process), mount
// namespace and cgroup; the exit code comes back.
func TestExecSeesTheContainer(t *testing.T) {
	d := startDetached(t, testSpec("sleep", "100"))
	code, out, err := execIn(t, d, execProcess("sh", "-c",
		"hostname; cat /proc/1/cmdline; echo; ls /; cat /proc/self/cgroup | grep -c :/$"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if code != 0 || len(lines) < 3 || lines[0] != "deepsys-test" || lines[1] != "sleep\x00100\x00" ||
		!strings.Contains(out, "\nbin\n") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if code, out, err := execIn(t, d, execProcess("sh", "-c", "exit 7")); err != nil || code != 7 {
		t.Errorf("exit %d (%v), output %q, want 7", code, err, out)
	}
	// the cgroup, seen from the host: the same as the container's
	var sleeper bytes.Buffer
	c, err := StartExec(d.root, d.id, execProcess("sleep", "100"), ExecOptions{Stdout: &sleeper})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("/proc/" + strconv.Itoa(d.pid) + "/cgroup")
	got, _ := os.ReadFile("/proc/" + strconv.Itoa(c.Pid) + "/cgroup")
	if len(want) == 0 || string(got) != string(want) {
		t.Errorf("exec'd process's cgroups:\n%s\nthe container's:\n%s", got, want)
	}
	c.cmd.Process.Kill()
	c.Wait()
}

// TestExecProcessSection: user, cwd, env and a missing program.
func TestExecProcessSection(t *testing.T) {
	d := startDetached(t, testSpec("sleep", "100"))
	p := execProcess("sh", "-c", "id -u; id -g; pwd; echo $X")
	p.User = specs.User{UID: 1000, GID: 1001}
	p.Cwd = "/tmp"
	p.Env = append(p.Env, "X=from-exec")
	code, out, err := execIn(t, d, p)
	if err != nil || code != 0 || out != "1000\n1001\n/tmp\nfrom-exec\n" {
		t.Fatalf("exit %d (%v), output %q", code, err, out)
	}
	// the config create read counts, not the bundle's as edited since
	writeConfig(t, d.bundle, testSpec("true"))
	if p, err := ContainerProcess(d.root, d.id); err != nil || strings.Join(p.Args, " ") != "sleep 100" {
		t.Errorf("the container's process %+v (%v), want the one create read", p, err)
	}
	_, _, err = execIn(t, d, execProcess("no-such-program"))
	if err == nil || !strings.Contains(err.Error(), `process.args[0]: "no-such-program": executable file not found`) {
		t.Errorf("error %v, want the missing program named", err)
	}
}

// TestExecErrors: a stopped container, a missing one, no args.
func TestExecErrors(t *testing.T) {
	bundle := makeBundle(t, testSpec("true"))
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "done", Bundle: bundle})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Delete(root, "done", true) })
	if err := Start(root, "done"); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if _, err := Exec(root, "done", execProcess("true"), ExecOptions{}); err == nil ||
		!strings.Contains(err.Error(), `container "done" is stopped: cannot exec in it`) {
		t.Errorf("exec into a stopped container: %v", err)
	}
	if _, err := Exec(root, "nope", execProcess("true"), ExecOptions{}); err == nil ||
		!strings.Contains(err.Error(), `container "nope" does not exist`) {
		t.Errorf("exec into a missing container: %v", err)
	}
	d := startDetached(t, testSpec("sleep", "100"))
	if _, err := Exec(d.root, d.id, execProcess(), ExecOptions{}); err == nil || !strings.Contains(err.Error(), "process.args: empty") {
		t.Errorf("exec without args: %v", err)
	}
	if err := Pause(d.root, d.id); err != nil {
		t.Fatal(err)
	}
	defer Resume(d.root, d.id)
	if _, err := Exec(d.root, d.id, execProcess("true"), ExecOptions{}); err == nil ||
		!strings.Contains(err.Error(), "is paused: resume it before exec") {
		t.Errorf("exec into a paused container: %v", err)
	}
}

// TestExecTimeAndUserNamespaces: exec into a container with a time
// namespace sees its clocks; one with a user namespace is refused.
func TestExecTimeAndUserNamespaces(t *testing.T) {
	s := testSpec("sleep", "100")
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
	s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: 86400 * 100}}
	d := startDetached(t, s)
	code, out, err := execIn(t, d, execProcess("cat", "/proc/uptime"))
	if err != nil || code != 0 {
		t.Fatalf("exit %d (%v), output %q", code, err, out)
	}
	if up, _ := strconv.ParseFloat(strings.Fields(out)[0], 64); up < 86400*100 {
		t.Errorf("uptime in the exec'd process %q, want the container's offset of 100 days", out)
	}
	m := specs.LinuxIDMapping{ContainerID: 0, HostID: 0, Size: 65536}
	d = startDetached(t, withUserNS(testSpec("sleep", "100"), m))
	if _, _, err := execIn(t, d, execProcess("true")); err == nil || !strings.Contains(err.Error(), "it has a user namespace") {
		t.Errorf("exec into a user namespace: %v", err)
	}
}

func TestParseProcess(t *testing.T) {
	p, err := ParseProcess([]byte(`{"args":["sh"],"cwd":"/","user":{"uid":1,"gid":2},"env":["A=b"]}`))
	if err != nil || p.Args[0] != "sh" || p.User.UID != 1 || p.User.GID != 2 {
		t.Fatalf("%+v, %v", p, err)
	}
	for in, want := range map[string]string{
		`{"args":["sh"],"cwd":"/","usr":{}}`: `unknown field "usr"`,
		`{"args":"sh"}`:                      "field args",
		`{"args":[],"cwd":"/"}`:              "process.args: empty",
		`{"args":["sh"],"cwd":"tmp"}`:        `process.cwd: "tmp" is not an absolute path`,
		"{\n\"args\": [\"sh\",]}":            "malformed JSON at line 2",
		`{"args":["sh"],"cwd":"/"} {}`:       "trailing data",
		`{"args":["sh"],"cwd":"/","capabilities":{"bounding":["CAP_NOPE"]}}`: `CAP_NOPE`,
	} {
		if _, err := ParseProcess([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

func FuzzParseProcess(f *testing.F) {
	f.Add([]byte(`{"args":["sh"],"cwd":"/","user":{"uid":1,"gid":2},"env":["A=b"]}`))
	f.Add([]byte(`{"args":["sh"],"cwd":"/","terminal":true,"capabilities":{"bounding":["CAP_KILL"]}}`))
	f.Add([]byte(`{"args":["sh"],"cwd":"rel"}`))
	f.Add([]byte(`{"args":[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProcess(data)
		if err == nil && (len(p.Args) == 0 || !strings.HasPrefix(p.Cwd, "/")) {
			t.Fatalf("accepted an incomplete process: %s", data)
		}
	})
}

// TestExecTerminal: exec with process.terminal gets a pty of the
// container's devpts, whose master arrives on the console socket.
func TestExecTerminal(t *testing.T) {
	d := startDetached(t, testSpec("sleep", "100"))
	sock, ch := listenConsole(t)
	p := execProcess("sh", "-c", "tty; echo done")
	p.Terminal = true
	c, err := StartExec(d.root, d.id, p, ExecOptions{ConsoleSocket: sock})
	if err != nil {
		t.Fatal(err)
	}
	g := <-ch
	if g.err != nil {
		t.Fatal(g.err)
	}
	defer g.master.Close()
	var out bytes.Buffer
	buf := make([]byte, 256)
	g.master.SetReadDeadline(time.Now().Add(20 * time.Second))
	for !strings.Contains(out.String(), "done") {
		n, err := g.master.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if code, err := c.Wait(); code != 0 || err != nil {
		t.Errorf("exit %d, %v", code, err)
	}
	if !strings.HasPrefix(g.name, "/dev/pts/") || out.String() != g.name+"\r\ndone\r\n" {
		t.Fatalf("pty %q, output %q; want the process on that pty", g.name, out.String())
	}
	if _, err := Exec(d.root, d.id, p, ExecOptions{}); err == nil || !strings.Contains(err.Error(), "needs a console socket") {
		t.Errorf("terminal without a console socket: %v", err)
	}
}

// TestExecSeccomp: the exec'd process runs under the container's
// linux.seccomp (mkdir refused with EPERM), without no_new_privs when the
// process does not ask for it, and with it when it does.
func TestExecSeccomp(t *testing.T) {
	eperm := uint(1)
	s := testSpec("sleep", "100")
	s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: &eperm}}}
	d := startDetached(t, s)
	for _, nnp := range []bool{false, true} {
		p := execProcess("sh", "-c", "mkdir /tmp/a; echo status $?; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status")
		p.NoNewPrivileges = nnp
		code, out, err := execIn(t, d, p)
		want := "status 1\nNoNewPrivs:\t0\nSeccomp:\t2\n"
		if nnp {
			want = "status 1\nNoNewPrivs:\t1\nSeccomp:\t2\n"
		}
		if err != nil || code != 0 || !strings.Contains(out, "Operation not permitted") || !strings.HasSuffix(out, want) {
			t.Errorf("noNewPrivileges %v: exit %d (%v), output %q, want it to end %q", nnp, code, err, out, want)
		}
	}
}

// TestExecSeccompListener: exec under a policy with a listener sends the
// agent a new listener fd with the exec'd process's pid (and the
// container's state, whose pid is the container's process), and the
// exec'd mkdir gets the agent's answer.
func TestExecSeccompListener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.sock")
	agent := seccompAgent(t, path, unix.EDQUOT)
	s := notifySpec(path, "sh", "-c", "mkdir /tmp/y; exec sleep 100") // the agent answers the container's mkdir
	s.Linux.CgroupsPath = ""
	d := startDetached(t, s)
	if r := <-agent; r.err != nil {
		t.Fatalf("agent (container): %v", r.err)
	}
	os.Remove(path) // the container's agent is done: a new one on the same path, for the exec
	agent = seccompAgent(t, path, unix.EDQUOT)
	var out bytes.Buffer
	c, err := StartExec(d.root, d.id, execProcess("sh", "-c", "mkdir /tmp/x; echo status $?"), ExecOptions{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	code, err := c.Wait()
	r := <-agent
	if r.err != nil {
		t.Fatalf("agent (exec): %v", r.err)
	}
	if err != nil || code != 0 || !strings.Contains(out.String(), "Disk quota exceeded") || !strings.HasSuffix(out.String(), "status 1\n") {
		t.Errorf("exit %d (%v), output %q; want mkdir to fail with the agent's EDQUOT", code, err, out.String())
	}
	if st := r.state; st.Pid != c.Pid || st.State.Pid != d.pid || st.State.ID != d.id || st.Metadata != "agent-metadata" {
		t.Errorf("process state %+v; want pid %d, container pid %d", st, c.Pid, d.pid)
	}
}
