package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/deepsys/deepsys/syscalls/notify"
	"github.com/deepsys/deepsys/syscalls/systab"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func init() { syscallsVerbs = append(syscallsVerbs, newSyscallsNotifyCmd) }

func newSyscallsNotifyCmd() *cobra.Command {
	var syscalls, deny []string
	var errno string
	cmd := &cobra.Command{
		Use:   "notify [-e SYSCALL,...] [--deny PATH]... [--errno NAME] -- CMD [ARG...]",
		Short: "Run CMD under a seccomp user-notify supervisor: log the chosen syscalls with their paths, deny listed paths",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, ok := systab.ErrnoNumber(strings.ToUpper(errno))
			if !ok {
				return usagef("--errno %q: not an errno name (EACCES, EPERM, ENOENT, ...)", errno)
			}
			// The log and the command's stderr share one writer.
			stderr := &lockedWriter{w: cmd.ErrOrStderr()}
			p := &notify.PathPolicy{Deny: map[string]bool{}, Errno: unix.Errno(e), Log: stderr}
			for _, d := range deny {
				p.Deny[d] = true
			}
			c := exec.Command(args[0], args[1:]...)
			c.Stdin, c.Stdout, c.Stderr = os.Stdin, cmd.OutOrStdout(), stderr
			return exitError(notify.Run(c, syscalls, p.Handle))
		},
	}
	f := cmd.Flags()
	f.StringSliceVarP(&syscalls, "syscalls", "e", []string{"openat", "open", "execve"}, "syscalls to notify")
	f.StringArrayVar(&deny, "deny", nil, "fail syscalls whose path argument is exactly `PATH`")
	f.StringVar(&errno, "errno", "EACCES", "the errno denied syscalls fail with")
	return cmd
}

// lockedWriter serialises writes from the supervisor's handlers and from
// the goroutine copying the command's stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// exitError words a command's failure for the CLI.
func exitError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return errors.New("command " + ee.String())
	}
	return err
}
