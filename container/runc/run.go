package runc

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newRunCmd) }

func newRunCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run <container-id>",
		Short: "Create and start a container, wait for it, delete it; exit with its status",
		Args:  cobra.ExactArgs(1),
	}
	cf := addCreateFlags(cmd, g)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		code, err := runtime.Run(cf.options(cmd, args[0]))
		if err == nil && code != 0 {
			return ExitStatus(code)
		}
		return err
	}
	return cmd
}
