package decode

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestAgainstStrace runs real programs twice, under strace and under a
// minimal ptrace loop that decodes with this package, both with address
// space randomisation off (setarch -R) so that addresses agree too, and
// wants strace's lines back, one for one. Lines whose values change from
// run to run (random bytes, clocks, pids) compare by name only.
func TestAgainstStrace(t *testing.T) {
	strace := testenv.RequireTool(t, "strace")
	setarch := testenv.RequireTool(t, "setarch")
	dir := t.TempDir()
	if err := os.WriteFile(fixedFile, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(fixedFile) })
	for _, cmd := range [][]string{
		{"cat", "/etc/hostname"},
		{"ls", "-l", "/usr"},
		{"ls", "-la", "/etc/ssl"},
		{"sh", "-c", "echo hello; cd /nonexistent; exit 3"},
		{"dd", "if=/dev/zero", "of=/dev/null", "bs=1k", "count=3", "status=none"},
		{"stat", "-f", "/", "/proc", "/sys", "/dev/pts"},
		{"uname", "-a"},
		{"stat", "/", "/etc/passwd", "/dev/null"},
		{"head", "-c", "100", "/bin/true"},
		{"id"},
		{"getent", "passwd", "root"},
		{"find", "/etc/ssl", "-maxdepth", "1"},
		{"sort", "/etc/hostname", "/etc/passwd"},
		{"sleep", "0.01"},
		{"date", "-u", "-d", "@0"},
		{"cp", "/etc/hostname", "/dev/null"},
		{"tar", "cf", "/dev/null", "/etc/ssl/certs"},
		{"md5sum", "/etc/hostname"},
		{"du", "-s", "/etc/ssl"},
		{"gzip", "-c", "/etc/hostname"},
		{"touch", fixedFile},
		{"chmod", "644", fixedFile},
		{"ls", "-l", "--full-time", fixedFile},
		{"readlink", "-f", "/bin/sh"},
		{"truncate", "-s", "0", "/dev/null"},
		{"awk", "BEGIN{print 1}"},
		{"sed", "-n", "1p", "/etc/passwd"},
		{"grep", "-c", "root", "/etc/passwd"},
		{"hostname"},
		{"whoami"},
		{"nproc"},
		{"tty"},
		{"env"},
		{"seq", "1", "100"},
		{"od", "-c", "/etc/hostname"},
		{"realpath", "/usr/bin/../lib"},
		{"nice", "true"},
		{"sh", "-c", "ulimit -n; ulimit -s; umask 027; cd /tmp; pwd"},
		{"stty", "-a"},
		{"getconf", "PAGE_SIZE"},
		{"wc", "-l", "/etc/passwd", "/etc/group"},
		{"tee", "/dev/null"},
		{"bash", "-c", "true"},
		{"ls", "-laR", "/etc/ssl"},
		{"sh", "-c", "read x < /etc/hostname; echo $x > /dev/null; exit 2"},
	} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			testenv.RequireTool(t, cmd[0])
			argv := append([]string{setarch, "-R"}, cmd...)
			want := fromExec(straceLines(t, strace, filepath.Join(dir, "strace.out"), argv))
			got := fromExec(traceLines(t, argv))
			compareLines(t, got, want)
		})
	}
}

// fixedFile is a file the programs change (touch, chmod) at a path that is
// the same in both runs, unlike a temporary directory's.
const fixedFile = "/tmp/deepsys-decode-file"

// fromExec drops setarch's own syscalls, made before it turns
// randomisation off: the lines before the target's execve.
func fromExec(lines []string) []string {
	for i, l := range lines {
		if strings.HasPrefix(l, "execve(") {
			return lines[i:]
		}
	}
	return nil
}

// straceLines runs argv under strace and returns its lines with the
// column padding before " = " removed, without setarch's own execve.
func straceLines(t *testing.T, strace, out string, argv []string) []string {
	return straceLinesEnv(t, strace, out, argv, testEnv())
}

func straceLinesEnv(t *testing.T, strace, out string, argv, env []string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), traceTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, strace, append([]string{"-qq", "-o", out, "--"}, argv...)...)
	cmd.Env = env
	if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() < 0 {
		t.Fatalf("strace: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++") {
			continue
		}
		if i := strings.LastIndex(l, " = "); i >= 0 {
			l = strings.TrimRight(l[:i], " ") + l[i:]
		}
		lines = append(lines, l)
	}
	return lines
}

func testEnv() []string { return []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=/root"} }

// traceTimeout bounds each traced run: a probe that blocks fails the
// test instead of hanging it.
const traceTimeout = 20 * time.Second

// traceLines runs argv under PTRACE_TRACEME and decodes every syscall.
func traceLines(t *testing.T, argv []string) []string { return traceLinesEnv(t, argv, testEnv()) }

func traceLinesEnv(t *testing.T, argv, env []string) []string {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	timer := time.AfterFunc(traceTimeout, func() { _ = unix.Kill(pid, unix.SIGKILL) })
	defer timer.Stop()
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil || !ws.Stopped() {
		t.Fatalf("first stop: %v %v", ws, err)
	}
	if err := unix.PtraceSetOptions(pid, unix.PTRACE_O_TRACESYSGOOD|unix.PTRACE_O_EXITKILL|unix.PTRACE_O_TRACEEXEC); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var call *Call
	mem := &regsMem{pid: pid}
	sig := 0
	for {
		if err := unix.PtraceSyscall(pid, sig); err != nil {
			t.Fatal(err)
		}
		sig = 0
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			t.Fatal(err)
		}
		if ws.Exited() || ws.Signaled() {
			break
		}
		switch {
		case ws.StopSignal() == unix.SIGTRAP|0x80:
			var regs unix.PtraceRegs
			if err := unix.PtraceGetRegs(pid, &regs); err != nil {
				t.Fatal(err)
			}
			if call == nil {
				mem.sp = regs.Rsp
				call = Enter(int(regs.Orig_rax), [6]uint64{regs.Rdi, regs.Rsi, regs.Rdx, regs.R10, regs.R8, regs.R9}, mem)
				if call.Name == "exit_group" {
					lines = append(lines, call.String())
				}
				continue
			}
			call.Exit(int64(regs.Rax), mem)
			lines = append(lines, call.String())
			call = nil
		case ws.StopSignal() == unix.SIGTRAP && ws.TrapCause() != 0: // PTRACE_EVENT_EXEC
		default:
			sig = int(ws.StopSignal())
		}
	}
	return lines
}

// regsMem reads a tracee's memory with process_vm_readv(2) and gives the
// stack pointer of the stop (decode.StackPointer).
type regsMem struct {
	pid int
	sp  uint64
}

func (m *regsMem) StackPointer() uint64 { return m.sp }

func (m *regsMem) ReadMemory(addr uint64, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	local := []unix.Iovec{{Base: &b[0], Len: uint64(len(b))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(b)}}
	return unix.ProcessVMReadv(m.pid, local, remote, 0)
}

// volatile are the syscalls whose printed values differ between two runs.
var volatile = regexp.MustCompile(`^(tkill|tgkill|getpgid|getsid|setsid|getrandom|clock_gettime|gettimeofday|set_tid_address|getpid|gettid|getppid|getpgrp|time|sysinfo)\(`)

// envpAddr is execve's environment address: on setarch's stack, which is
// laid out before randomisation is turned off.
var envpAddr = regexp.MustCompile(`0x[0-9a-f]+ /\* [0-9]+ vars? \*/`)

// freeCounts are statfs's free blocks and inodes, which other programs
// change between the two runs.
var freeCounts = regexp.MustCompile(`(f_bfree|f_bavail|f_ffree)=[0-9]+`)

// credPid is the sender's pid in an SCM_CREDENTIALS message.
var credPid = regexp.MustCompile(`\{pid=[0-9]+`)

func compareLines(t *testing.T, got, want []string) {
	t.Helper()
	bad := 0
	for i := 0; i < len(got) || i < len(want); i++ {
		g, w := at(got, i), at(want, i)
		g, w = envpAddr.ReplaceAllString(g, "ENVP"), envpAddr.ReplaceAllString(w, "ENVP")
		g, w = freeCounts.ReplaceAllString(g, "$1=N"), freeCounts.ReplaceAllString(w, "$1=N")
		g, w = credPid.ReplaceAllString(g, "{pid=N"), credPid.ReplaceAllString(w, "{pid=N")
		if g == w || volatile.MatchString(w) && name(g) == name(w) {
			continue
		}
		if bad++; bad <= 10 {
			t.Errorf("line %d:\n got  %s\n want %s", i+1, g, w)
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d lines differ from strace", bad, len(want))
	}
}

func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return "<none>"
}

func name(l string) string { n, _, _ := strings.Cut(l, "("); return n }
