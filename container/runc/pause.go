package runc

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPauseCmd, newResumeCmd) }

func newPauseCmd(g *Globals) *cobra.Command {
	return freezerCmd("pause", "Freeze every process of a container (cgroup freezer)", runtime.Pause, g)
}

func newResumeCmd(g *Globals) *cobra.Command {
	return freezerCmd("resume", "Thaw a paused container", runtime.Resume, g)
}

func freezerCmd(use, short string, op func(root, id string) error, g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: use + " <container-id>", Short: short, Args: cobra.ExactArgs(1)}
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return op(g.Root, args[0]) }
	return cmd
}
