package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// FileResult is one test file run against one runtime.
type FileResult struct {
	Name     string
	Exit     int  // the program's exit status; -1 when it did not exit
	TimedOut bool // killed when its timeout passed
	Err      error
	TAP      TAP
	Stderr   string // the last few KiB of its stderr
	Took     time.Duration
}

// Passed reports whether the file passed: exit status 0 within the
// timeout and a TAP stream with a plan, no "not ok", no bail out and no
// diagnostic outside a test point (package comment, step 5).
func (r FileResult) Passed() bool {
	return r.Err == nil && !r.TimedOut && r.Exit == 0 && len(r.TAP.Problems()) == 0
}

// Why says in one line why the file did not pass ("" when it passed).
func (r FileResult) Why() string {
	switch {
	case r.TimedOut:
		return fmt.Sprintf("timed out after %v", r.Took.Round(time.Second))
	case r.Err != nil:
		return r.Err.Error()
	case r.Exit != 0:
		return fmt.Sprintf("exit status %d: %s", r.Exit, lastLine(r.Stderr))
	}
	if p := r.TAP.Problems(); len(p) > 0 {
		return strings.Join(p, "; ")
	}
	return ""
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// maxOutput caps what is kept of a program's stdout and stderr.
const maxOutput = 4 << 20

// RunFile runs the named test file's program against runtime (a program
// taking runc's command line, given to the suite as RUNTIME) in the suite
// directory, killing its process group after timeout (package comment,
// step 3).
func (s *Suite) RunFile(ctx context.Context, name, runtime string, timeout time.Duration) FileResult {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Program(name))
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), "RUNTIME="+runtime)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	stdout, stderr := &capped{}, &capped{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	start := time.Now()
	err := cmd.Run()
	r := FileResult{Name: name, Exit: cmd.ProcessState.ExitCode(), Took: time.Since(start)}
	r.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !r.TimedOut {
		r.Err = err
	}
	r.TAP = ParseTAP(stdout.String())
	r.Stderr = tail(stderr.String(), 4096)
	return r
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// capped is a buffer that drops what is written beyond maxOutput.
type capped struct{ bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := maxOutput - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
