package runc

import (
	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newCreateCmd) }

// createFlags are the flags create and run share (runc's).
type createFlags struct {
	g                              *Globals
	bundle, pidFile, consoleSocket *string
}

func addCreateFlags(cmd *cobra.Command, g *Globals) createFlags {
	f := cmd.Flags()
	return createFlags{
		g:             g,
		bundle:        f.StringP("bundle", "b", ".", "path to the bundle (the directory of config.json)"),
		pidFile:       f.String("pid-file", "", "write the container's pid to this file"),
		consoleSocket: f.String("console-socket", "", "unix socket that receives the pty master (process.terminal)"),
	}
}

func (cf createFlags) options(cmd *cobra.Command, id string) runtime.CreateOptions {
	return runtime.CreateOptions{Root: cf.g.Root, ID: id, Bundle: *cf.bundle, PidFile: *cf.pidFile,
		ConsoleSocket: *cf.consoleSocket,
		Stdin:         cmd.InOrStdin(), Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr()}
}

func newCreateCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create <container-id>",
		Short: "Create a container from a bundle; its process waits until `start`",
		Args:  cobra.ExactArgs(1),
	}
	cf := addCreateFlags(cmd, g)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		_, err := runtime.Create(cf.options(cmd, args[0]))
		return err
	}
	return cmd
}
