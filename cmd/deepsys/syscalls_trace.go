package main

import (
	"context"
	"io"
	"os"
	"os/signal"

	"github.com/deepsys/deepsys/syscalls/trace"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func init() { syscallsVerbs = append(syscallsVerbs, newSyscallsTraceCmd) }

// newSyscallsTraceCmd is `deepsys syscalls trace`, strace's command line.
func newSyscallsTraceCmd() *cobra.Command {
	var o trace.Options
	var expr, outPath string
	var pid int
	cmd := &cobra.Command{
		Use:   "trace [-f] [-c] [-T] [-o FILE] [--json] [-e trace=SET] [-p PID | -- CMD ...]",
		Short: "Trace the system calls of a command or process, as strace does",
		RunE: func(cmd *cobra.Command, args []string) error {
			if (pid == 0) == (len(args) == 0) {
				return usagef("trace: give a command after -- or -p PID, not both")
			}
			if expr != "" {
				set, err := trace.ParseSet(expr)
				if err != nil {
					return usagef("trace: %v", err)
				}
				o.Trace = set
			}
			out, closeOut, err := traceOutput(cmd.ErrOrStderr(), outPath)
			if err != nil {
				return err
			}
			// On stderr each line goes out at once, as strace writes it there.
			o.Output, o.ToFile, o.LineBuffered = out, outPath != "", outPath == ""
			res, err := runTrace(args, pid, o)
			if cerr := closeOut(); err == nil {
				err = cerr
			}
			if err == nil && res.ExitCode != 0 && pid == 0 {
				err = exitStatus(res.ExitCode) // as strace: the command's status
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Follow, "follow-forks", "f", false, "trace child processes and threads")
	f.BoolVarP(&o.Summary, "summary-only", "c", false, "count calls, errors and time per syscall; print the table at the end")
	f.BoolVarP(&o.SummaryWall, "summary-wall-clock", "w", false, "with -c, count wall time, not system CPU time")
	f.BoolVarP(&o.Timing, "syscall-times", "T", false, "show the time spent in each call")
	f.BoolVar(&o.JSON, "json", false, "one JSON object per syscall (pid, name, args, ret, errno, duration)")
	f.BoolVar(&o.NoSeccomp, "no-seccomp", false, "filter -e trace= in the tracer instead of a seccomp filter")
	f.StringVarP(&expr, "expr", "e", "", "trace=SET: names and %classes (%file %process %network %memory %signal %desc %ipc %creds)")
	f.StringVarP(&outPath, "output", "o", "", "write the trace to `FILE`")
	f.IntVarP(&pid, "attach", "p", 0, "attach to process `PID` (detach on SIGINT)")
	return cmd
}

// runTrace traces args or attaches to pid until the tracees are gone or
// SIGINT / SIGTERM arrives (then it detaches, or kills what it started).
func runTrace(args []string, pid int, o trace.Options) (trace.Result, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, unix.SIGTERM)
	defer stop()
	if pid != 0 {
		return trace.Attach(ctx, pid, o)
	}
	return trace.Run(ctx, args, o)
}

func traceOutput(stderr io.Writer, path string) (io.Writer, func() error, error) {
	if path == "" {
		return stderr, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}
