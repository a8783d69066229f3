package main

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() {
	containerVerbs = append(containerVerbs, newContainerPauseCmd, newContainerResumeCmd)
}

func newContainerPauseCmd() *cobra.Command {
	return freezerCmd("pause", "Freeze every process of a container (cgroup freezer)", runtime.Pause)
}

func newContainerResumeCmd() *cobra.Command {
	return freezerCmd("resume", "Thaw a paused container", runtime.Resume)
}

func freezerCmd(use, short string, op func(root, id string) error) *cobra.Command {
	cmd := &cobra.Command{Use: use + " <container-id>", Short: short, Args: cobra.ExactArgs(1)}
	root := addRootFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return op(*root, args[0]) }
	return cmd
}
