package runc

import (
	"encoding/json"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newFeaturesCmd) }

// newFeaturesCmd prints the runtime-spec features document (features.md),
// as `runc features` does.
func newFeaturesCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "features",
		Short: "Print what the runtime implements (runtime-spec features.md JSON)",
		Args:  cobra.NoArgs,
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "    ")
		return enc.Encode(runtime.Features())
	}
	return cmd
}
