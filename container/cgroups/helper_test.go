package cgroups

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
)

// helperEnv selects what the re-executed test binary does (TestMain):
// "alloc" touches DEEPSYS_CGROUPS_MB MiB, "spin" burns CPU, "open" opens
// each argument. Each first waits for a line on stdin, so the test can move
// it into a cgroup before it acts.
const helperEnv = "DEEPSYS_CGROUPS_HELPER"

func TestMain(m *testing.M) {
	if h := os.Getenv(helperEnv); h != "" {
		os.Exit(runHelper(h))
	}
	os.Exit(m.Run())
}

// spins is what the "spin" helper counts, so its loop is not empty.
var spins uint64

func runHelper(which string) int {
	in := bufio.NewReader(os.Stdin)
	if _, err := in.ReadString('\n'); err != nil {
		return 3
	}
	switch which {
	case "alloc":
		mb, _ := strconv.Atoi(os.Getenv("DEEPSYS_CGROUPS_MB"))
		buf := make([]byte, mb<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
		fmt.Println("ok")
		io.Copy(io.Discard, in)
		return int(buf[0]) - 1
	case "spin":
		for {
			spins++ // burn CPU until killed
		}
	case "open":
		for _, p := range os.Args[1:] {
			f, err := os.Open(p)
			if err == nil {
				f.Close()
				fmt.Printf("%s ok\n", p)
				continue
			}
			fmt.Printf("%s %v\n", p, err.(*os.PathError).Err)
		}
		return 0
	}
	return 2
}

// helper is a child process waiting on its stdin gate.
type helper struct {
	cmd    *exec.Cmd
	gate   io.WriteCloser
	out    *bufio.Reader
	stderr strings.Builder
}

// startHelper starts the test binary as helper `which`, or, if which is a
// path, that program with args.
func startHelper(t *testing.T, which string, env []string, args ...string) *helper {
	t.Helper()
	var cmd *exec.Cmd
	if strings.HasPrefix(which, "/") {
		cmd = exec.Command(which, args...)
	} else {
		cmd = exec.Command(os.Args[0], args...)
		cmd.Env = append(append(os.Environ(), helperEnv+"="+which), env...)
	}
	h := &helper{cmd: cmd}
	var err error
	if h.gate, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h.out = bufio.NewReader(stdout)
	cmd.Stderr = &h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return h
}

// release opens the gate.
func (h *helper) release(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(h.gate, "go\n"); err != nil {
		t.Fatalf("releasing helper: %v", err)
	}
}

// line reads one line of the helper's output.
func (h *helper) line(t *testing.T) string {
	t.Helper()
	s, err := h.out.ReadString('\n')
	if err != nil {
		t.Fatalf("reading helper output: %v (stderr %q)", err, h.stderr.String())
	}
	return strings.TrimSpace(s)
}

// hostLayout detects this machine's cgroups.
func hostLayout(t *testing.T) *Layout {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := Detect(f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// testGroup makes a Manager for a fresh group "deepsys-test-<name>-<pid>/ctr"
// in the host layout (v1 here) and removes it, and its test-specific parent,
// after the test, killing whatever is left inside first.
func testGroup(t *testing.T) Manager {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireCgroups(t)
	l := hostLayout(t)
	if l.Mode() != "v1" && l.Mode() != "hybrid" {
		t.Skipf("these tests drive v1 controllers; this host's cgroups are %s", l.Mode())
	}
	parent := fmt.Sprintf("deepsys-test-%s-%d", t.Name(), os.Getpid())
	m, err := l.Manager(parent + "/ctr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeGroup(t, m, l, parent) })
	return m
}

func removeGroup(t *testing.T, m Manager, l *Layout, parent string) {
	m.Thaw()
	pids, _ := m.Pids()
	for _, p := range pids {
		syscall.Kill(p, syscall.SIGKILL)
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("Destroy: %v", err)
	}
	seen := map[string]bool{}
	var dirs []string
	for _, mp := range append(slices.Collect(maps.Values(l.V1)), l.Unified) {
		if mp == "" {
			continue
		}
		if d := filepath.Join(mp, parent); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	if err := rmdirRetry(dirs...); err != nil {
		t.Errorf("removing test parent: %v", err)
	}
}

// poll calls cond until it holds or d passes.
func poll(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func ptr[T any](v T) *T { return &v }

// opensInGroup starts a helper in m that opens /dev/null and /dev/zero and
// returns its two report lines ("<path> ok" or "<path> <error>").
func opensInGroup(t *testing.T, m Manager) (string, string) {
	t.Helper()
	h := startHelper(t, "open", nil, "/dev/null", "/dev/zero")
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	h.release(t)
	return h.line(t), h.line(t)
}
