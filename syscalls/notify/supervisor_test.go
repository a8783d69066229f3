package notify

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"golang.org/x/sys/unix"
)

// supervise starts cmd under handler for syscalls and waits, killing the
// child if it outlives a deadline so a bug fails the test instead of hanging it.
func supervise(t *testing.T, cmd *exec.Cmd, syscalls []string, h Handler, o *Options) (string, *Supervisor, error) {
	t.Helper()
	testenv.RequireRoot(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	before := openFDs()
	s, err := Start(cmd, syscalls, h, o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	timer := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err = s.Wait()
	if errb.Len() > 0 {
		t.Logf("child stderr: %s", errb.String())
	}
	checkNoLeak(t, before, openFDs())
	return out.String(), s, err
}

// checkNoLeak fails the test if Start..Wait left an fd open: a listener,
// pidfd or pipe of the supervisor's own.
func checkNoLeak(t *testing.T, before, after map[string]string) {
	t.Helper()
	for fd, link := range after {
		if before[fd] != link && !strings.HasPrefix(link, "/proc/") {
			t.Errorf("fd %s (%s) left open by the supervisor", fd, link)
		}
	}
}

// helper is the test binary run as one of helper_test.go's programs.
func helper(t *testing.T, mode string, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	return cmd
}

// TestDenyOpenatOfOnePath: cat of the denied file fails with EACCES, cat of
// another file in the same directory works.
func TestDenyOpenatOfOnePath(t *testing.T) {
	cat := testenv.RequireTool(t, "cat")
	dir := t.TempDir()
	denied, allowed := filepath.Join(dir, "secret"), filepath.Join(dir, "public")
	os.WriteFile(denied, []byte("s3cret\n"), 0o644)
	os.WriteFile(allowed, []byte("hello\n"), 0o644)
	var asked atomic.Int64
	h := func(n *Notification) Response {
		asked.Add(1)
		if p, err := n.PathArg(1); err == nil && p == denied {
			return Deny(unix.EACCES)
		}
		return Continue()
	}
	out, _, err := supervise(t, exec.Command(cat, allowed), []string{"openat", "open"}, h, nil)
	if err != nil || out != "hello\n" {
		t.Fatalf("cat %s: %q, %v", allowed, out, err)
	}
	out, _, err = supervise(t, exec.Command(cat, denied), []string{"openat", "open"}, h, &Options{})
	if err == nil || out != "" {
		t.Fatalf("cat %s under the deny handler: %q, err %v; want a failure", denied, out, err)
	}
	if asked.Load() < 2 {
		t.Errorf("handler saw %d openat calls", asked.Load())
	}
}

// TestDenyMessageIsEACCES: the errno reaches the program: cat says so.
func TestDenyMessageIsEACCES(t *testing.T) {
	cat := testenv.RequireTool(t, "cat")
	h := func(n *Notification) Response {
		if p, _ := n.PathArg(1); p == "/etc/hostname" {
			return Deny(unix.EACCES)
		}
		return Continue()
	}
	cmd := exec.Command(cat, "/etc/hostname")
	var errb bytes.Buffer
	testenv.RequireRoot(t)
	cmd.Stderr = &errb
	s, err := Start(cmd, []string{"openat"}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Wait()
	if !strings.Contains(errb.String(), "Permission denied") {
		t.Fatalf("cat's stderr %q lacks EACCES's message", errb.String())
	}
}

// TestEmulatedGetppid: the supervisor answers getppid itself with 4242.
func TestEmulatedGetppid(t *testing.T) {
	h := func(n *Notification) Response { return Return(4242) }
	out, s, err := supervise(t, helper(t, "getppid"), []string{"getppid"}, h, nil)
	if err != nil || out != "4242\n" {
		t.Fatalf("getppid in the child printed %q (%v), want 4242", out, err)
	}
	if st := s.Stats(); st.Received < 1 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestAddFDVirtualPath: cat opens /virtual/hostname, which does not exist;
// the supervisor opens /etc/hostname and installs the fd with ADDFD|SEND.
func TestAddFDVirtualPath(t *testing.T) {
	cat := testenv.RequireTool(t, "cat")
	want, err := os.ReadFile("/etc/hostname")
	if err != nil {
		t.Skipf("no /etc/hostname: %v", err)
	}
	h := func(n *Notification) Response {
		p, err := n.PathArg(1)
		if err != nil || p != "/virtual/hostname" {
			return Continue()
		}
		fd, err := unix.Open("/etc/hostname", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return Deny(err.(unix.Errno))
		}
		return ReturnFD(fd, n.Args[2]&unix.O_CLOEXEC != 0)
	}
	out, _, err := supervise(t, exec.Command(cat, "/virtual/hostname"), []string{"openat"}, h, nil)
	if err != nil || out != string(want) {
		t.Fatalf("cat /virtual/hostname: %q, %v; want %q", out, err, want)
	}
}

// TestIDValidFalseAfterKill: a notification is valid while its thread
// waits, and ID_VALID says ENOENT once the process is killed; answering it
// then gives ErrGone, and the supervisor carries on.
func TestIDValidFalseAfterKill(t *testing.T) {
	var before, after, readBefore, readAfter error
	h := func(n *Notification) Response {
		before = n.Valid()
		// The code at the syscall instruction: readable (no NUL within 2 bytes
		// gives "longer than", which still proves the read worked).
		_, readBefore = n.ReadString(n.IP, 2)
		unix.Kill(n.PID, unix.SIGKILL)
		after = waitGone(n)
		_, readAfter = n.ReadString(n.IP, 2)
		return Return(1)
	}
	_, s, err := supervise(t, helper(t, "getppid"), []string{"getppid"}, h, nil)
	if before != nil {
		t.Errorf("ID_VALID while waiting: %v", before)
	}
	if !errors.Is(after, ErrGone) {
		t.Errorf("ID_VALID after SIGKILL: %v, want ErrGone", after)
	}
	if readBefore != nil && !strings.Contains(readBefore.Error(), "longer than") || readAfter == nil {
		t.Errorf("reading the process's memory: before the kill %v, after %v (want an error after)", readBefore, readAfter)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("child: %v, want killed", err)
	}
	if st := s.Stats(); st.Gone < 1 || st.Failed != 0 {
		t.Errorf("stats %+v, want the response counted as gone", st)
	}
}

// waitGone polls ID_VALID until it fails (the kill lands asynchronously).
func waitGone(n *Notification) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := n.Valid()
		if err != nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// TestChildDiesMidNotification: the child is killed while the handler
// still works on its notification; Wait returns, and the same process
// supervises the next child normally.
func TestChildDiesMidNotification(t *testing.T) {
	for i := range 3 {
		cmd := helper(t, "getppid")
		h := func(n *Notification) Response {
			cmd.Process.Kill()
			time.Sleep(20 * time.Millisecond)
			return Continue()
		}
		if _, _, err := supervise(t, cmd, []string{"getppid"}, h, nil); err == nil {
			t.Fatalf("round %d: killed child exited cleanly", i)
		}
	}
	out, _, err := supervise(t, helper(t, "getppid"), []string{"getppid"},
		func(*Notification) Response { return Return(7) }, nil)
	if err != nil || out != "7\n" {
		t.Fatalf("after the killed children: %q, %v", out, err)
	}
}

// TestStopFailsPendingWithENOSYS: closing the listener while a syscall
// waits for its answer fails that syscall with ENOSYS.
func TestStopFailsPendingWithENOSYS(t *testing.T) {
	testenv.RequireRoot(t)
	got := make(chan struct{})
	release := make(chan struct{})
	h := func(n *Notification) Response {
		close(got)
		<-release
		return Return(1)
	}
	cmd := helper(t, "getppid")
	var out bytes.Buffer
	cmd.Stdout = &out
	s, err := Start(cmd, []string{"getppid"}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no notification")
	}
	s.Stop() // the kernel fails the pending getppid now, whatever the handler does later
	close(release)
	err = s.Wait()
	if err != nil || out.String() != "ENOSYS\n" {
		t.Fatalf("child after Stop: %q, %v; want ENOSYS", out.String(), err)
	}
}

// TestStopFromHandler: a handler may stop the supervisor; the syscall it
// was deciding fails with ENOSYS and Wait returns.
func TestStopFromHandler(t *testing.T) {
	var s *Supervisor
	ready := make(chan struct{})
	var respErr error
	h := func(n *Notification) Response {
		<-ready
		s.Stop()
		respErr = s.Listener().Respond(n.ID, Return(1))
		return Return(2)
	}
	testenv.RequireRoot(t)
	cmd := helper(t, "getppid")
	var out bytes.Buffer
	cmd.Stdout = &out
	s, err := Start(cmd, []string{"getppid"}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	if err := s.Wait(); err != nil || out.String() != "ENOSYS\n" {
		t.Fatalf("child: %q, %v; want ENOSYS", out.String(), err)
	}
	if !errors.Is(respErr, ErrClosed) {
		t.Errorf("responding after Stop: %v, want ErrClosed", respErr)
	}
}

// TestConcurrentThreads: eight threads of one process wait in getppid at
// once; the handlers run in parallel and each thread gets its answer.
func TestConcurrentThreads(t *testing.T) {
	const threads = 8
	var cur, peak atomic.Int64
	var mu sync.Mutex
	tids := map[int]bool{}
	h := func(n *Notification) Response {
		c := cur.Add(1)
		defer cur.Add(-1)
		for p := peak.Load(); c > p && !peak.CompareAndSwap(p, c); p = peak.Load() {
		}
		mu.Lock()
		tids[n.PID] = true
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		return Return(4242)
	}
	out, _, err := supervise(t, helper(t, "threads", "8"), []string{"getppid"}, h, &Options{Workers: threads})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(out)
	if len(lines) != threads {
		t.Fatalf("output %q: want %d lines", out, threads)
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, ":4242") {
			t.Errorf("thread answer %q, want 4242", l)
		}
	}
	if len(tids) < threads || peak.Load() < 2 {
		t.Errorf("%d distinct threads, %d handlers at once; want %d and >= 2", len(tids), peak.Load(), threads)
	}
}

// TestBadPointersGiveErrors: openat with pointers to nowhere and into the
// kernel: reading them fails with an error, the handler denies with EFAULT.
func TestBadPointersGiveErrors(t *testing.T) {
	var mu sync.Mutex
	var errs []error
	h := func(n *Notification) Response {
		_, err := n.PathArg(1)
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
		if err != nil {
			return Deny(unix.EFAULT)
		}
		return Continue()
	}
	out, _, err := supervise(t, helper(t, "badptr"), []string{"openat"}, h, nil)
	if err != nil || out != "EFAULT\nEFAULT\nEFAULT\n" {
		t.Fatalf("child: %q, %v", out, err)
	}
	for _, e := range errs[len(errs)-3:] {
		if e == nil || !strings.Contains(e.Error(), "openat") {
			t.Errorf("reading a bad pointer: %v, want an error naming openat", e)
		}
	}
}
