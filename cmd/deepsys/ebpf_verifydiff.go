package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/verifier"
	"github.com/deepsys/deepsys/ebpf/verifier/kernelcmp"
	"github.com/deepsys/deepsys/ebpf/verifier/progen"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// geteuid is os.Geteuid; a test pretends not to be root.
var geteuid = os.Geteuid

func newEBPFVerifyDiffCmd() *cobra.Command {
	var n, index int
	var seed uint64
	var typ string
	cmd := &cobra.Command{
		Use:   "verify-diff [--programs N] [--seed S] [--type xdp|tc] [--index I]",
		Short: "Generate random eBPF programs, verify each with deepsys and with Linux (needs root), count agree, unsound and imprecise verdicts",
		Long: `verify-diff generates N random programs (ebpf/verifier/progen: arithmetic,
branches, stack, map and packet access, loops, helper calls; mostly in
bounds, so both verdicts occur), program I from the generator seeded with
(S, I), and verifies each with deepsys's verifier and with Linux's
(bpf(BPF_PROG_LOAD); needs root). A program is unsound when we accept what
Linux rejects, imprecise when we reject what Linux accepts; verify-diff
lists both kinds and exits 1 on any unsound program. --index I prints
program I's assembly and both verdicts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts progen.Options
			switch typ {
			case "":
			case "xdp":
				opts.Type = loader.XDP
			case "tc", "sched_cls":
				opts.Type = loader.SchedCLS
			default:
				return fmt.Errorf("--type %q: want xdp or tc", typ)
			}
			if n <= 0 {
				return fmt.Errorf("--programs %d: want at least 1", n)
			}
			if geteuid() != 0 {
				return errors.New("verify-diff needs root: Linux's verifier is asked through bpf(BPF_PROG_LOAD) (run it with sudo)")
			}
			gen := func(i int) progen.Program {
				return progen.Generate(rand.New(rand.NewPCG(seed, uint64(i))), opts)
			}
			compare := func(p progen.Program) (kernelcmp.Result, error) {
				r, err := kernelcmp.Compare(p.Insns, verifier.Options{ProgType: p.ProgType, Maps: p.Maps})
				if err != nil {
					return r, fmt.Errorf("cannot ask Linux's verifier (needs root and bpf()): %w", err)
				}
				return r, nil
			}
			w := cmd.OutOrStdout()
			if index >= 0 {
				p := gen(index)
				r, err := compare(p)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "seed %d program %d (%v):\n%s", seed, index, p.ProgType, p.Src)
				fmt.Fprintf(w, "deepsys: %v\nlinux:   %v\n%v\n", r.Ours, r.Linux, r.Outcome)
				if r.Outcome == kernelcmp.Unsound {
					return errors.New("unsound: deepsys accepts what Linux rejects")
				}
				return nil
			}
			bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(cmd.ErrOrStderr()),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(),
				progressbar.OptionSetDescription("verify-diff"), progressbar.OptionThrottle(100*time.Millisecond))
			var tally kernelcmp.Tally
			type diff struct {
				i   int
				typ loader.ProgType
				r   kernelcmp.Result
			}
			var diffs []diff
			for i := range n {
				p := gen(i)
				r, err := compare(p)
				if err != nil {
					_ = bar.Exit()
					return fmt.Errorf("program %d: %w", i, err)
				}
				tally.Add(r)
				if r.Outcome != kernelcmp.Agree {
					diffs = append(diffs, diff{i, p.ProgType, r})
				}
				_ = bar.Add(1)
			}
			_ = bar.Finish()
			printVerifyDiff(w, seed, tally)
			for _, d := range diffs {
				switch d.r.Outcome {
				case kernelcmp.Unsound:
					fmt.Fprintf(w, "unsound: --seed %d --index %d (%v): Linux rejects at insn %d: %s\n", seed, d.i, d.typ, d.r.Linux.Insn, d.r.Linux.Reason)
				default:
					fmt.Fprintf(w, "imprecise: --seed %d --index %d (%v): we reject at insn %d: %s\n", seed, d.i, d.typ, d.r.Ours.Insn, d.r.Ours.Reason)
				}
			}
			if tally.Unsound > 0 {
				return fmt.Errorf("%d unsound programs", tally.Unsound)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "programs", 1000, "how many programs to generate (`N`)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "the generator's seed `S`")
	cmd.Flags().StringVar(&typ, "type", "", "program type: xdp or tc (default: xdp three times in four, else tc)")
	cmd.Flags().IntVar(&index, "index", -1, "compare only program `I` and print its assembly")
	return cmd
}

// printVerifyDiff prints the tally.
func printVerifyDiff(w io.Writer, seed uint64, t kernelcmp.Tally) {
	fmt.Fprintf(w, "%d programs: %d agree, %d unsound, %d imprecise (%.2f%% agree)\n",
		t.Programs, t.Agree, t.Unsound, t.Imprecise, 100*float64(t.Agree)/float64(max(t.Programs, 1)))
	fmt.Fprintf(w, "seed %d: %d accepted by both, %d rejected by both (%d at the same instruction)\n",
		seed, t.Agree-t.BothReject, t.BothReject, t.SameInsn)
}
