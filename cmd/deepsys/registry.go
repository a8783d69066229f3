package main

import (
	"context"

	"github.com/deepsys/deepsys/internal/bench"
	"github.com/spf13/cobra"
)

// system is one row of the catalogue: the series' number, the folder it
// lives in, the article's title, and its CLI once it has landed.
type system struct {
	number int
	folder string
	title  string
	cli    *systemCLI
}

// status is what `deepsys systems` prints for s.
func (s system) status() string {
	if s.cli != nil {
		return "implemented"
	}
	return "not yet"
}

// systemCLI is everything a system plugs into the command: its own verbs,
// the showcase `deepsys tour` runs, and the workloads of `deepsys <system>
// bench`. Each field may be nil.
type systemCLI struct {
	verbs    func() []*cobra.Command
	attach   func(cmd *cobra.Command) // adds flags and verbs the system builds itself
	showcase func(ctx context.Context) ([]row, error)
	bench    func(cfg benchConfig) ([]bench.Workload, error)
	// benchRounds, if over bench.MinRounds, is the rounds `bench` measures
	// when --rounds is not given and --quick is not (a start-up time
	// wants a median of more rounds than a tight loop).
	benchRounds int
}

// defaultRounds is the rounds of a bench without --rounds.
func (c *systemCLI) defaultRounds(quick bool) int {
	if quick || c.benchRounds < bench.MinRounds {
		return bench.MinRounds
	}
	return c.benchRounds
}

// row is one line of a showcase summary: what was shown and the figure.
type row struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// benchConfig is what a system's bench function may adapt to.
type benchConfig struct {
	// Quick asks for scaled-down workloads (tests, smoke runs).
	Quick bool
}

// command builds `deepsys <folder>` with the system's verbs and, when it
// has benchmarks, the shared `bench` verb.
func (s system) command() *cobra.Command {
	cmd := &cobra.Command{Use: s.folder, Short: s.title}
	if s.cli.attach != nil {
		s.cli.attach(cmd)
	}
	if s.cli.verbs != nil {
		cmd.AddCommand(s.cli.verbs()...)
	}
	if s.cli.bench != nil {
		cmd.AddCommand(newSystemBenchCmd(s))
	}
	if s.cli.showcase != nil {
		cmd.AddCommand(newShowcaseCmd(s))
	}
	return cmd
}
