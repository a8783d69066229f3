package main

import (
	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/syscalls/tracebench"
	"github.com/spf13/cobra"
)

// syscallsCLI plugs article 5, system calls, into the CLI. Its verbs live
// one to a file (syscalls_<verb>.go); each file adds its constructor to
// syscallsVerbs from an init function.
var syscallsCLI = &systemCLI{
	verbs: func() []*cobra.Command {
		out := make([]*cobra.Command, 0, len(syscallsVerbs))
		for _, v := range syscallsVerbs {
			out = append(out, v())
		}
		return out
	},
	bench: func(cfg benchConfig) ([]bench.Workload, error) {
		if cfg.Quick {
			return tracebench.Workloads(tracebench.Quick)
		}
		return tracebench.Workloads(tracebench.Default)
	},
}

// syscallsVerbs are the constructors of `deepsys syscalls` verbs.
var syscallsVerbs []func() *cobra.Command
