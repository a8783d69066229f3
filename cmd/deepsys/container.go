package main

import "github.com/spf13/cobra"

// containerCLI plugs article 13, containers, into the CLI. Its verbs live
// one to a file (container_<verb>.go); each file adds its constructor to
// containerVerbs from an init function.
var containerCLI = &systemCLI{
	verbs: func() []*cobra.Command {
		out := make([]*cobra.Command, 0, len(containerVerbs))
		for _, v := range containerVerbs {
			out = append(out, v())
		}
		return out
	},
}

// containerVerbs are the constructors of `deepsys container` verbs.
var containerVerbs []func() *cobra.Command
