package runc

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newStartCmd) }

func newStartCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start <container-id>",
		Short: "Start a created container's process",
		Args:  cobra.ExactArgs(1),
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return runtime.Start(g.Root, args[0]) }
	return cmd
}
