package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Handler decides one notification. It runs on one of Options.Workers
// goroutines, so handlers run concurrently when the process has several
// threads waiting.
type Handler func(*Notification) Response

// Options tune Start; the zero value is fine.
type Options struct {
	// Filter replaces NotifyFilter(syscalls): any classic BPF program whose
	// SECCOMP_RET_USER_NOTIF answers reach the handler (syscalls/seccomp
	// compiles OCI policies with "SCMP_ACT_NOTIFY" into such programs).
	Filter []unix.SockFilter
	// Workers is how many handlers may run at once (default 4).
	Workers int
	// Timeout bounds the child's setup (default 10 s).
	Timeout time.Duration
	// SyncWakeUp asks the kernel to wake the supervisor synchronously, on
	// the notifying thread's CPU (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
	// Linux 6.6): faster round trips when the supervisor answers at once.
	SyncWakeUp bool
}

// Supervisor runs one supervised command. See the package comment.
type Supervisor struct {
	cmd     *exec.Cmd
	l       *Listener
	handler Handler
	stop    [2]int // a pipe: writing to stop[1] ends the receive loop
	loop    sync.WaitGroup
	once    sync.Once

	// Counters, read with Stats.
	received, gone, failed atomic.Int64
	errMu                  sync.Mutex
	firstErr               error
}

// Stats counts what the supervisor saw: notifications received, responses
// that found the thread gone (it died or was interrupted: ENOENT), and
// other failures, with the first of those.
type Stats struct {
	Received, Gone, Failed int64
	FirstErr               error
}

// Run starts cmd with the syscalls named in syscalls sent to handler, and
// waits for it: the whole supervisor for Go users.
//
//	cmd := exec.Command("cat", "/etc/shadow")
//	err := notify.Run(cmd, []string{"openat"}, func(n *notify.Notification) notify.Response {
//		if p, err := n.PathArg(1); err == nil && p == "/etc/shadow" {
//			return notify.Deny(unix.EACCES)
//		}
//		return notify.Continue()
//	})
func Run(cmd *exec.Cmd, syscalls []string, handler Handler) error {
	s, err := Start(cmd, syscalls, handler, nil)
	if err != nil {
		return err
	}
	return s.Wait()
}

// Start starts cmd under a USER_NOTIF filter for syscalls (or o.Filter) and
// a supervisor answering with handler. cmd must not have been started; its
// Path, Args, Env, Dir and standard files are used as given.
func Start(cmd *exec.Cmd, syscalls []string, handler Handler, o *Options) (*Supervisor, error) {
	if o == nil {
		o = &Options{}
	}
	if handler == nil {
		return nil, errors.New("notify: nil handler")
	}
	prog, err := filterFor(syscalls, o)
	if err != nil {
		return nil, err
	}
	s := &Supervisor{cmd: cmd, handler: handler, stop: [2]int{-1, -1}}
	goR, goW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer goR.Close()
	defer goW.Close()
	if err := s.startChild(prog, goR); err != nil {
		return nil, err
	}
	if err := s.attach(goW, o); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return s, nil
}

func filterFor(syscalls []string, o *Options) ([]unix.SockFilter, error) {
	if o.Filter != nil {
		return o.Filter, nil
	}
	nrs, err := Numbers(syscalls)
	if err != nil {
		return nil, err
	}
	return NotifyFilter(nrs)
}

// startChild rewrites cmd into the re-exec of this binary (child.go) and
// starts it.
func (s *Supervisor) startChild(prog []unix.SockFilter, goR *os.File) error {
	c := s.cmd
	if c.Process != nil {
		return errors.New("notify: command already started")
	}
	if c.Err != nil {
		return c.Err
	}
	argv, _ := json.Marshal(append([]string{c.Path}, c.Args...))
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	c.Env = append(env[:len(env):len(env)], envFilter+"="+EncodeFilter(prog), envExec+"="+string(argv),
		envGoFD+"="+strconv.Itoa(3+len(c.ExtraFiles)))
	c.Path = "/proc/self/exe"
	c.ExtraFiles = append(c.ExtraFiles[:len(c.ExtraFiles):len(c.ExtraFiles)], goR)
	if err := c.Start(); err != nil {
		return fmt.Errorf("notify: starting %s: %w", argv, err)
	}
	return nil
}

// attach takes the listener, starts the receive loop and lets the child exec.
func (s *Supervisor) attach(goW *os.File, o *Options) error {
	pid := s.cmd.Process.Pid
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("notify: pidfd_open(%d): %w", pid, err)
	}
	defer unix.Close(pidfd)
	s.l, err = grabListener(pid, pidfd, orDefault(o.Timeout, 10*time.Second))
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if o.SyncWakeUp {
		if err := s.l.SetSyncWakeUp(); err != nil {
			s.l.Close()
			return fmt.Errorf("notify: %w", err)
		}
	}
	if err := unix.Pipe2(s.stop[:], unix.O_CLOEXEC); err != nil {
		s.l.Close()
		return err
	}
	s.serve(orDefault(o.Workers, 4))
	if _, err := goW.Write([]byte{1}); err != nil {
		s.Stop()
		s.loop.Wait()
		unix.Close(s.stop[0])
		unix.Close(s.stop[1])
		return fmt.Errorf("notify: go-ahead to child %d: %w", pid, err)
	}
	return nil
}

// orDefault returns v, or def when v is zero.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Wait waits for the command to exit, ends the receive loop, waits for
// running handlers to return (the listener still open, so what they ask of
// it, such as ID_VALID, is answered for the dead process, not refused),
// and then closes the listener. It returns the command's error (as
// exec.Cmd.Wait). Call it once.
func (s *Supervisor) Wait() error {
	err := s.cmd.Wait()
	unix.Write(s.stop[1], []byte{1}) // the receive loop ends
	s.loop.Wait()
	s.Stop()
	unix.Close(s.stop[0])
	unix.Close(s.stop[1])
	return err
}

// Stop ends the receive loop and closes the listener: the process's
// pending and later notified syscalls fail with ENOSYS. It does not wait
// for handlers still running (so a handler may call it); their responses
// get ErrClosed. Wait still has to be called to reap the command.
func (s *Supervisor) Stop() {
	s.once.Do(func() {
		unix.Write(s.stop[1], []byte{1})
		s.l.Close()
	})
}

// Stats returns the counters so far.
func (s *Supervisor) Stats() Stats {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return Stats{Received: s.received.Load(), Gone: s.gone.Load(), Failed: s.failed.Load(), FirstErr: s.firstErr}
}

// Listener is the supervisor's listener, for callers that answer
// notifications themselves.
func (s *Supervisor) Listener() *Listener { return s.l }
