package main

import (
	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/syscalls/cost"
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
	showcase: syscallsShowcase,
	bench:    syscallsBench,
}

// syscallsVerbs are the constructors of `deepsys syscalls` verbs.
var syscallsVerbs []func() *cobra.Command

// syscallsBench is the tracer against strace (syscalls/tracebench) and our
// compiled policies against libseccomp's in the kernel (syscalls/cost).
func syscallsBench(cfg benchConfig) ([]bench.Workload, error) {
	tcfg, iters := tracebench.Default, 200000
	if cfg.Quick {
		tcfg, iters = tracebench.Quick, 20000
	}
	ws, err := tracebench.Workloads(tcfg)
	if err != nil {
		return nil, err
	}
	fs, err := cost.Workloads(iters)
	if err != nil {
		return nil, err
	}
	return append(ws, fs...), nil
}
