package seccomp

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The kernel enforces what we compile: these tests run children (this
// test binary, re-executed) under compiled filters and watch the kernel's
// verdicts. Installing needs no root (no_new_privs), only seccomp filter
// support.

const envTestHelper = "SECCOMP_TEST_HELPER"

// requireSeccompFilter skips (fails under DEEPSYS_REQUIRE_ALL) when the
// kernel lacks seccomp filters.
func requireSeccompFilter(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err == nil && bytes.Contains(b, []byte("Seccomp_filters:")) {
		return
	}
	if testenv.RequireAll() {
		t.Fatal("needs seccomp filters (no Seccomp_filters in /proc/self/status)")
	}
	t.Skip("needs seccomp filters (no Seccomp_filters in /proc/self/status)")
}

// TestHelperProcess is the child's code, chosen by envTestHelper; it is
// not a test on its own.
func TestHelperProcess(t *testing.T) {
	mode, ok := os.LookupEnv(envTestHelper)
	if !ok {
		return
	}
	helperModes[mode]()
	os.Exit(0)
}

var helperModes = map[string]func(){
	"syscalls": helperSyscalls,
	"tsync":    helperTSYNC,
	"listener": helperListener,
	"exec":     helperExecFilter,
}

// helperExecFilter replaces itself with $SECCOMP_TEST_ARGV (separated by \x1f)
// under the filter through Filter.Exec.
func helperExecFilter() {
	argv := strings.Split(os.Getenv("SECCOMP_TEST_ARGV"), "\x1f")
	err := filterFromEnv().Exec(argv[0], argv, os.Environ())
	fmt.Println("exec:", err)
}

// helperSyscalls reads "nr a0 a1 a2 a3 a4 a5" lines and prints each
// call's errno (0 on success).
func helperSyscalls() {
	sc := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for sc.Scan() {
		var v [7]uint64
		for i, f := range strings.Fields(sc.Text()) {
			v[i], _ = strconv.ParseUint(f, 0, 64)
		}
		_, _, errno := unix.RawSyscall6(uintptr(v[0]), uintptr(v[1]), uintptr(v[2]), uintptr(v[3]), uintptr(v[4]), uintptr(v[5]), uintptr(v[6]))
		fmt.Fprintln(out, int(errno))
	}
	out.Flush()
}

// helperTSYNC installs the filter of $SECCOMP_TEST_FILTER from the main
// thread while another thread waits, then has that thread call mkdirat.
func helperTSYNC() {
	f := filterFromEnv()
	ready, installed, done := make(chan int), make(chan bool), make(chan error)
	go func() {
		runtime.LockOSThread()
		ready <- unix.Gettid()
		<-installed
		done <- unix.Mkdir(filepath.Join(os.TempDir(), "seccomp-tsync"), 0o700)
	}()
	runtime.LockOSThread()
	other := <-ready
	if _, err := f.Install(0); err != nil {
		fmt.Println("install:", err)
		return
	}
	installed <- true
	err := <-done
	fmt.Printf("other-thread=%v errno=%d\n", other != unix.Gettid(), errnoOf(err))
}

// helperListener installs with FlagNewListener from a multi-threaded
// process and prints the listener fd.
func helperListener() {
	fd, err := filterFromEnv().Install(FlagNewListener)
	fmt.Printf("fd=%d err=%v\n", fd, err)
}

func encodeFilter(f *Filter) string { return base64.StdEncoding.EncodeToString(f.Marshal()) }

func filterFromEnv() *Filter {
	b, err := base64.StdEncoding.DecodeString(os.Getenv("SECCOMP_TEST_FILTER"))
	if err != nil {
		panic(err)
	}
	f, err := Unmarshal(b)
	if err != nil {
		panic(err)
	}
	return f
}

func errnoOf(err error) int {
	var e unix.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return 0
}

// underFilter runs this test binary as helper mode under f (Command).
func underFilter(t *testing.T, f *Filter, mode, stdin string) (string, *os.ProcessState) {
	t.Helper()
	cmd, err := Command(f, os.Args[0], "-test.run=^TestHelperProcess$")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(cmd.Env, envTestHelper+"="+mode)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if errb.Len() > 0 {
		t.Logf("child stderr: %s", errb.String())
	}
	return out.String(), cmd.ProcessState
}

// kernelErrnos runs the calls in a child under f and returns their errnos.
func kernelErrnos(t *testing.T, f *Filter, calls []SeccompData) []int {
	t.Helper()
	var in strings.Builder
	for _, d := range calls {
		fmt.Fprintf(&in, "%d", uint64(int64(d.Nr))) // -1 as the 64-bit rax a program passes
		for _, a := range d.Args {
			fmt.Fprintf(&in, " %#x", a)
		}
		in.WriteByte('\n')
	}
	out, st := underFilter(t, f, "syscalls", in.String())
	if !st.Success() {
		t.Fatalf("child: %v", st)
	}
	var errnos []int
	for _, l := range strings.Fields(out) {
		n, _ := strconv.Atoi(l)
		errnos = append(errnos, n)
	}
	if len(errnos) != len(calls) {
		t.Fatalf("child answered %d of %d calls: %q", len(errnos), len(calls), out)
	}
	return errnos
}

func mustCompile(t *testing.T, json string, o Options) *Filter {
	t.Helper()
	p, err := ParsePolicy([]byte(json))
	if err != nil {
		t.Fatal(err)
	}
	f, err := CompileWith(p, o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestKernelDeniesWithPolicyErrno: mkdir and mkdirat fail with the
// policy's EPERM, personality(x != 0xffffffff) with its errnoRet 38, and
// personality(0xffffffff) (a query) is allowed.
func TestKernelDeniesWithPolicyErrno(t *testing.T) {
	requireSeccompFilter(t)
	b, _ := os.ReadFile("testdata/deny-mkdir.json")
	for _, linear := range []bool{false, true} {
		f := mustCompile(t, string(b), Options{Linear: linear})
		calls := []SeccompData{
			{Nr: unix.SYS_MKDIRAT, Args: [6]uint64{uint64(0xffffff9c), 0, 0o700}}, // AT_FDCWD, NULL path
			{Nr: unix.SYS_MKDIR, Args: [6]uint64{0, 0o700}},
			{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0xffffffff}},
			{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0x1_ffff_ffff}}, // only the 64-bit compare tells it apart
			{Nr: unix.SYS_GETUID},
		}
		got := kernelErrnos(t, f, calls)
		want := []int{int(unix.EPERM), int(unix.EPERM), 0, 38, 0}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("linear=%v: errnos %v, want %v", linear, got, want)
		}
	}
}

// TestKernelKillProcess: acct under KILL_PROCESS kills the child with
// SIGSYS, and so does an x32 call (nr with bit 30) under any of our
// filters; nr -1 is let through to the default (ENOSYS from the kernel).
func TestKernelKillProcess(t *testing.T) {
	requireSeccompFilter(t)
	b, _ := os.ReadFile("testdata/deny-mkdir.json")
	f := mustCompile(t, string(b), Options{})
	for _, nr := range []uint64{unix.SYS_ACCT, x32SyscallBit | unix.SYS_GETPID} {
		_, st := underFilter(t, f, "syscalls", fmt.Sprintf("%d 0\n", nr))
		ws := st.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != unix.SIGSYS {
			t.Errorf("nr %#x: child %v, want killed by SIGSYS", nr, st)
		}
	}
	if got := kernelErrnos(t, f, []SeccompData{{Nr: -1}}); got[0] != int(unix.ENOSYS) {
		t.Errorf("syscall(-1): errno %d, want ENOSYS", got[0])
	}
}

// TestCommandExecDenied: a policy that denies execve makes Command's
// helper fail with status 127 and say why.
func TestCommandExecDenied(t *testing.T) {
	requireSeccompFilter(t)
	f := mustCompile(t, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["execve"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}`, Options{})
	cmd, err := Command(f, "true")
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != ExitExecFailed || !strings.Contains(string(out), "permission denied") {
		t.Fatalf("%v: %s", err, out)
	}
	if _, err := Command(f, "/nonexistent/prog"); err == nil {
		t.Error("Command of a missing program: no error")
	}
}

// TestKernelMatchesInterpreter: 2,000 random calls under the
// operator-exercising policy (argsPolicy); the kernel's errno is what our
// interpreter's verdict predicts: ALLOW runs the call (close of a closed
// fd: EBADF; the others succeed), ERRNO(n) fails with n, TRACE without a
// tracer fails with ENOSYS (seccomp(2)).
func TestKernelMatchesInterpreter(t *testing.T) {
	requireSeccompFilter(t)
	p := argsPolicy()
	r := rand.New(rand.NewPCG(5, 6))
	nrs := []int{unix.SYS_CLOSE, unix.SYS_DUP, unix.SYS_GETUID, unix.SYS_GETGID, unix.SYS_GETEUID,
		unix.SYS_GETEGID, unix.SYS_SCHED_YIELD, unix.SYS_GETTID, unix.SYS_GETPGRP}
	calls := make([]SeccompData, 2000)
	for i := range calls {
		d := SeccompData{Nr: int32(nrs[r.IntN(len(nrs))]), Arch: auditArchX86_64}
		for j := range d.Args {
			d.Args[j] = randomArg(r)
		}
		if d.Nr == unix.SYS_CLOSE && uint32(d.Args[0]) < 1<<20 { // never close a real descriptor
			d.Args[0] |= 1 << 20
		}
		calls[i] = d
	}
	for _, linear := range []bool{false, true} {
		f, err := CompileWith(p, Options{Linear: linear})
		if err != nil {
			t.Fatal(err)
		}
		got := kernelErrnos(t, f, calls)
		verdicts := map[int]int{}
		for _, e := range got {
			verdicts[e]++
		}
		t.Logf("linear=%v: errnos seen: %v", linear, verdicts)
		for i, d := range calls {
			if want := predictErrno(f.Run(d), int(d.Nr)); got[i] != want {
				t.Fatalf("linear=%v: call %d %+v: kernel errno %d, interpreter %s predicts %d", linear, i, d, got[i], ActionString(f.Run(d)), want)
			}
		}
	}
}

func predictErrno(ret uint32, nr int) int {
	switch ret & unix.SECCOMP_RET_ACTION_FULL {
	case unix.SECCOMP_RET_ERRNO:
		return int(ret & unix.SECCOMP_RET_DATA)
	case unix.SECCOMP_RET_TRACE:
		return int(unix.ENOSYS)
	case unix.SECCOMP_RET_ALLOW:
		if nr == unix.SYS_CLOSE {
			return int(unix.EBADF)
		}
		return 0
	}
	return -1
}

// TestDockerProfileRunsShell: Docker's default profile compiles; a shell
// pipeline runs under it; acct and keyctl fail with its EPERM; personality
// is allowed for the listed values only.
func TestDockerProfileRunsShell(t *testing.T) {
	requireSeccompFilter(t)
	sh := testenv.RequireTool(t, "sh")
	p, err := ParsePolicy(dockerProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := Command(f, sh, "-c", "echo ok; ls /")
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok\n") || !strings.Contains(string(out), "proc") {
		t.Fatalf("sh under the Docker profile: %v\n%s", err, out)
	}
	calls := []SeccompData{
		{Nr: unix.SYS_ACCT},
		{Nr: unix.SYS_KEYCTL},
		{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0xffffffff}},
		{Nr: unix.SYS_PERSONALITY, Args: [6]uint64{0x1234}},
	}
	got := kernelErrnos(t, f, calls)
	want := []int{int(unix.EPERM), int(unix.EPERM), 0, int(unix.EPERM)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("errnos %v, want %v", got, want)
	}
}

// TestInstallTSYNC: a filter installed from one thread governs a thread
// that already existed (SECCOMP_FILTER_FLAG_TSYNC).
func TestInstallTSYNC(t *testing.T) {
	requireSeccompFilter(t)
	b, _ := os.ReadFile("testdata/deny-mkdir.json")
	f := mustCompile(t, string(b), Options{})
	out := runHelperWithFilter(t, f, "tsync")
	if want := fmt.Sprintf("other-thread=true errno=%d\n", unix.EPERM); out != want {
		t.Fatalf("child printed %q, want %q", out, want)
	}
}

// TestInstallNewListener: FlagNewListener in a multi-threaded process
// returns a notification fd (TSYNC_ESRCH is added for it).
func TestInstallNewListener(t *testing.T) {
	requireSeccompFilter(t)
	f := mustCompile(t, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["acct"],"action":"SCMP_ACT_NOTIFY"}]}`, Options{})
	out := runHelperWithFilter(t, f, "listener")
	if !strings.HasPrefix(out, "fd=") || strings.HasPrefix(out, "fd=-1") || !strings.Contains(out, "err=<nil>") {
		t.Fatalf("child printed %q", out)
	}
}

// TestFilterExec: a Go process replaces itself with a shell under the
// filter (Filter.Exec); the shell's mkdir gets the policy's EPERM.
func TestFilterExec(t *testing.T) {
	requireSeccompFilter(t)
	sh := testenv.RequireTool(t, "sh")
	b, _ := os.ReadFile("testdata/deny-mkdir.json")
	f := mustCompile(t, string(b), Options{})
	script := "mkdir " + filepath.Join(t.TempDir(), "x") + " 2>/dev/null; echo status=$?"
	out := runHelperWithFilter(t, f, "exec", "SECCOMP_TEST_ARGV="+sh+"\x1f-c\x1f"+script)
	if out != "status=1\n" {
		t.Fatalf("child printed %q, want status=1 (EPERM from mkdir)", out)
	}
}

// runHelperWithFilter runs a helper that installs f itself.
func runHelperWithFilter(t *testing.T, f *Filter, mode string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), envTestHelper+"="+mode, "SECCOMP_TEST_FILTER="+encodeFilter(f))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	return string(out)
}

// TestCommandLearnedAllowList: a default-KILL policy allowing exactly the
// syscalls strace saw `sh -c 'echo ok; ls /'` make runs that command: the
// helper itself needs nothing but execve under the filter.
func TestCommandLearnedAllowList(t *testing.T) {
	requireSeccompFilter(t)
	strace := testenv.RequireTool(t, "strace")
	sh := testenv.RequireTool(t, "sh")
	trace := filepath.Join(t.TempDir(), "trace")
	script := "echo ok; ls /"
	if out, err := exec.Command(strace, "-qq", "-f", "-o", trace, sh, "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("strace: %v\n%s", err, out)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	p := &Policy{DefaultAction: specs.ActKillProcess}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\d+\s+([a-z0-9_]+)\(`).FindAllSubmatch(b, -1) {
		if name := string(m[1]); !seen[name] {
			seen[name] = true
			p.Syscalls = append(p.Syscalls, Rule{Names: []string{name}, Action: specs.ActAllow})
		}
	}
	for _, linear := range []bool{false, true} {
		f, err := CompileWith(p, Options{Linear: linear})
		if err != nil {
			t.Fatal(err)
		}
		cmd, err := Command(f, sh, "-c", script)
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "ok\n") {
			t.Fatalf("linear=%v, %d syscalls allowed: %v\n%s", linear, len(seen), err, out)
		}
	}
	t.Logf("%d syscalls allowed", len(seen))
}
