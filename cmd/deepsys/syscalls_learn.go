package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"

	"github.com/deepsys/deepsys/syscalls/learn"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func init() { syscallsVerbs = append(syscallsVerbs, newSyscallsLearnCmd) }

// newSyscallsLearnCmd is `deepsys syscalls learn -- CMD`: trace a run and
// print the minimal allow-list seccomp policy (OCI / Docker JSON).
func newSyscallsLearnCmd() *cobra.Command {
	var outPath string
	cmd := &cobra.Command{
		Use:   "learn [-o policy.json] -- CMD [ARGS...]",
		Short: "Trace a command and write the minimal allow-list seccomp policy that runs it",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, unix.SIGTERM)
			defer stop()
			res, err := learn.Learn(ctx, args, learn.Options{})
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(res.Policy, "", "  ")
			if err != nil {
				return err
			}
			b = append(b, '\n')
			fmt.Fprintf(cmd.ErrOrStderr(), "learn: %s exited with %d; %d syscalls observed, %d allowed\n",
				args[0], res.ExitCode, len(res.Observed), len(res.Policy.Syscalls[0].Names))
			if outPath == "" {
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			return os.WriteFile(outPath, b, 0o644)
		},
	}
	cmd.Flags().StringVarP(&outPath, "output", "o", "", "write the policy to `FILE` instead of standard output")
	return cmd
}
