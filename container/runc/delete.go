package runc

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newDeleteCmd) }

func newDeleteCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "delete <container-id>",
		Short: "Delete a stopped or created container (--force: also a running one)",
		Args:  cobra.ExactArgs(1),
	}
	force := cmd.Flags().BoolP("force", "f", false, "kill the container with SIGKILL if it is running")
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return runtime.Delete(g.Root, args[0], *force) }
	return cmd
}
