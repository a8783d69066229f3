package main

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { containerVerbs = append(containerVerbs, newContainerStartCmd) }

func newContainerStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start <container-id>",
		Short: "Start a created container's process",
		Args:  cobra.ExactArgs(1),
	}
	root := addRootFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return runtime.Start(*root, args[0]) }
	return cmd
}
