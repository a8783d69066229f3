package runc

import (
	"encoding/json"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newStateCmd) }

func newStateCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state <container-id>",
		Short: "Print a container's OCI state as JSON",
		Args:  cobra.ExactArgs(1),
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		st, err := runtime.State(g.Root, args[0])
		if err != nil {
			return err
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	return cmd
}
