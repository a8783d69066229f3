package main

import (
	"errors"
	"io"

	"github.com/deepsys/deepsys/container/runc"

	"github.com/spf13/cobra"
)

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// isUsageError reports whether err is a usage error: ours, or one of
// cobra's own for unknown commands and wrong argument counts.
func isUsageError(err error) bool {
	var u usageError
	return errors.As(err, &u) || runc.IsUsageError(err)
}

// newRootCmd builds the command tree over the given catalogue; tests pass
// their own.
func newRootCmd(stdout, stderr io.Writer, systems []system) *cobra.Command {
	root := &cobra.Command{
		Use:           "deepsys",
		Short:         "Nineteen systems from the \"Systems\" deep-dive series, built for real in Go",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newSystemsCmd(systems), newTourCmd(systems), newBenchAllCmd(systems), newVersionCmd())
	for _, s := range systems {
		if s.cli != nil {
			root.AddCommand(s.command())
		}
	}
	return root
}

// usagef is a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{errors.New(sprintf(format, args...))}
}
