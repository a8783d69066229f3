package main

import (
	"github.com/deepsys/deepsys/container/runc"
	"github.com/deepsys/deepsys/container/startbench"
	"github.com/spf13/cobra"
)

// containerCLI plugs article 13, containers, into the CLI. The runc
// verbs and global flags come from container/runc; the others live one to
// a file here (container_<verb>.go), each adding its constructor to
// containerVerbs from an init function.
var containerCLI = &systemCLI{
	attach: func(cmd *cobra.Command) { runc.Attach(cmd) },
	verbs: func() []*cobra.Command {
		out := make([]*cobra.Command, 0, len(containerVerbs))
		for _, v := range containerVerbs {
			out = append(out, v())
		}
		return out
	},
	showcase:    containerShowcase,
	bench:       containerBench,
	benchRounds: startbench.DefaultRounds,
}

// containerVerbs are the constructors of `deepsys container` verbs.
var containerVerbs []func() *cobra.Command
