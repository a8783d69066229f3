package notify

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"golang.org/x/sys/unix"
)

// TestRunPipeline: Run over a shell pipeline; the filter binds every
// process the shell forks, so openat calls of several processes reach the
// handler, and the denied one fails while the rest of the pipeline runs.
func TestRunPipeline(t *testing.T) {
	testenv.RequireRoot(t)
	sh := testenv.RequireTool(t, "sh")
	dir := t.TempDir()
	ok, no := filepath.Join(dir, "ok"), filepath.Join(dir, "no")
	os.WriteFile(ok, []byte("piped\n"), 0o644)
	os.WriteFile(no, []byte("hidden\n"), 0o644)
	var mu sync.Mutex
	pids := map[int]bool{}
	h := func(n *Notification) Response {
		mu.Lock()
		pids[n.PID] = true
		mu.Unlock()
		if p, err := n.PathArg(1); err == nil && p == no {
			return Deny(unix.EACCES)
		}
		return Continue()
	}
	cmd := exec.Command(sh, "-c", "cat "+ok+" | cat; cat "+no)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := Run(cmd, []string{"openat"}, h)
	if err == nil || out.String() != "piped\n" || !strings.Contains(errb.String(), "Permission denied") {
		t.Fatalf("pipeline: out %q, stderr %q, err %v", out.String(), errb.String(), err)
	}
	if len(pids) < 3 {
		t.Errorf("openat from %d processes, want the shell's three children at least", len(pids))
	}
}

// TestChildIsFiltered: the command runs with a seccomp filter and
// no_new_privs, as /proc/self/status reports (proc(5)).
func TestChildIsFiltered(t *testing.T) {
	out, _, err := supervise(t, helper(t, "status"), []string{"getppid"},
		func(*Notification) Response { return Continue() }, nil)
	if err != nil || out != "NoNewPrivs: 1\nSeccomp: 2\n" {
		t.Fatalf("status: %q, %v", out, err)
	}
}

// TestBadFilterFailsStart: a program the kernel rejects (a jump past the
// end) makes Start fail with a clear error instead of hanging.
func TestBadFilterFailsStart(t *testing.T) {
	testenv.RequireRoot(t)
	bad := []unix.SockFilter{{Code: unix.BPF_JMP | unix.BPF_JA, K: 5}}
	cmd := helper(t, "getppid")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	cont := func(*Notification) Response { return Continue() }
	before := openFDs()
	_, err := Start(cmd, nil, cont, &Options{Filter: bad})
	checkNoLeak(t, before, openFDs())
	if err == nil || !strings.Contains(err.Error(), "exited before it installed the filter") {
		t.Fatalf("Start with a bad filter: %v", err)
	}
	if !strings.Contains(errb.String(), "invalid argument") {
		t.Errorf("child stderr %q lacks the kernel's EINVAL", errb.String())
	}
}

// TestMissingCommand: the command cannot be exec'd; Wait says so.
func TestMissingCommand(t *testing.T) {
	cmd := exec.Command("/no/such/program")
	_, _, err := supervise(t, cmd, []string{"getppid"}, func(*Notification) Response { return Continue() }, nil)
	if err == nil {
		t.Fatal("missing program ran")
	}
	cont := func(*Notification) Response { return Continue() }
	if _, err := Start(exec.Command("no-such-program-on-path"), []string{"getppid"}, cont, nil); err == nil {
		t.Error("Start accepted a program not on PATH")
	}
	if _, err := Start(exec.Command("true"), []string{"getppid"}, nil, nil); err == nil {
		t.Error("Start accepted a nil handler")
	}
}

// TestExtraFilesKept: the command's own ExtraFiles arrive at fd 3...; the
// go-ahead pipe goes after them and is closed before exec.
func TestExtraFilesKept(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("extra"))
	w.Close()
	cmd := helper(t, "fd3")
	cmd.ExtraFiles = []*os.File{r}
	out, _, err := supervise(t, cmd, []string{"getppid"}, func(*Notification) Response { return Continue() }, nil)
	r.Close()
	if err != nil || out != "\"extra\" <nil>\n" {
		t.Fatalf("fd 3 in the command: %q, %v", out, err)
	}
}

// TestGetFD: the supervisor takes the process's fd with pidfd_getfd and
// emulates lseek(fd, 0, SEEK_END) by reading its copy's size plus 1000, so the
// answer can only have come from the supervisor.
func TestGetFD(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("0123456789"), 0o644)
	var gotErr error
	h := func(n *Notification) Response {
		fd, err := n.GetFD(int(n.Args[0]))
		if err != nil {
			gotErr = err
			return Deny(unix.EIO)
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			gotErr = err
			return Deny(unix.EIO)
		}
		return Return(st.Size + 1000)
	}
	out, _, err := supervise(t, helper(t, "lseek", path), []string{"lseek"}, h, nil)
	if err != nil || gotErr != nil || out != "1010 ok\n" {
		t.Fatalf("lseek in the child: %q, %v, handler error %v", out, err, gotErr)
	}
}

// TestManyThreads: 300 threads of one process make notified syscalls at
// once; every one is answered and the supervisor neither hangs nor fails.
func TestManyThreads(t *testing.T) {
	const threads = 300
	h := func(*Notification) Response { return Return(4242) }
	out, s, err := supervise(t, helper(t, "threads", "300"), []string{"getppid"}, h, &Options{Workers: 4})
	lines := strings.Fields(out)
	if err != nil || len(lines) != threads {
		t.Fatalf("%d answers, %v", len(lines), err)
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, ":4242") {
			t.Fatalf("thread answer %q", l)
		}
	}
	if st := s.Stats(); st.Received < threads || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestPathPolicy: the ready-made handler logs each openat with its path and
// denies the listed one; cat reports the errno.
func TestPathPolicy(t *testing.T) {
	cat := testenv.RequireTool(t, "cat")
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("x"), 0o644)
	var log bytes.Buffer
	p := &PathPolicy{Deny: map[string]bool{secret: true}, Errno: unix.EPERM, Log: &log}
	_, _, err := supervise(t, exec.Command(cat, secret), []string{"openat"}, p.Handle, nil)
	if err == nil {
		t.Fatal("cat of the denied file succeeded")
	}
	want := "openat(" + strconv.Quote(secret) + ") -> deny EPERM"
	if !strings.Contains(log.String(), want) || !strings.Contains(log.String(), "-> continue") {
		t.Fatalf("log lacks %q and a continue:\n%s", want, log.String())
	}
}
