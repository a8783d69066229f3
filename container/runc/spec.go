package runc

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newSpecCmd) }

func newSpecCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spec",
		Short: "Write an example config.json into the bundle directory",
		Args:  cobra.NoArgs,
	}
	bundle := cmd.Flags().StringP("bundle", "b", ".", "bundle directory to write config.json in")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		p := filepath.Join(*bundle, runtime.ConfigName)
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s already exists; remove it first", p)
		}
		b, err := json.MarshalIndent(runtime.Example(), "", "\t")
		if err != nil {
			return err
		}
		return os.WriteFile(p, append(b, '\n'), 0o644)
	}
	return cmd
}
