package main

import (
	"os"

	"github.com/deepsys/deepsys/syscalls/cost"
	"github.com/spf13/cobra"
)

func init() { syscallsVerbs = append(syscallsVerbs, newSyscallsCostCmd) }

func newSyscallsCostCmd() *cobra.Command {
	var cfg cost.Config
	var jsonFile string
	cmd := &cobra.Command{
		Use:   "cost [--iters N] [--slow-iters N] [--runs N] [--json FILE]",
		Short: "Measure what a syscall costs here: raw, vDSO, under seccomp filters, ptrace stops, user-notify",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Runs < 5 || cfg.Iters < 1 || cfg.SlowIters < 1 {
				return usagef("--runs must be at least 5, --iters and --slow-iters at least 1")
			}
			t, err := cost.Measure(cfg, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			t.Markdown(cmd.OutOrStdout())
			if jsonFile == "" {
				return nil
			}
			f, err := os.Create(jsonFile)
			if err != nil {
				return err
			}
			if err := t.WriteJSON(f); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Iters, "iters", 200000, "iterations of each fast loop (raw, vDSO, filtered)")
	f.IntVar(&cfg.SlowIters, "slow-iters", 20000, "iterations under ptrace and user-notify")
	f.IntVar(&cfg.Runs, "runs", 5, "interleaved runs; each figure is their median (at least 5)")
	f.StringVar(&jsonFile, "json", "", "also write the table as JSON to `FILE`")
	return cmd
}
