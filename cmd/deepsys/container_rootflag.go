package main

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

// addRootFlag gives a runtime verb runc's --root: the directory of the
// containers' state.
func addRootFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("root", runtime.DefaultRoot, "root directory of the containers' state")
}
