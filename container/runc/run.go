package runc

import (
	"os"
	"os/signal"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func init() { verbs = append(verbs, newRunCmd) }

// forwarded are the signals run passes to the container's process (runc
// forwards every signal but SIGCHLD, SIGWINCH and SIGURG, which it and the
// Go runtime use themselves).
var forwarded = []os.Signal{unix.SIGHUP, unix.SIGINT, unix.SIGQUIT, unix.SIGTERM, unix.SIGUSR1, unix.SIGUSR2,
	unix.SIGALRM, unix.SIGCONT, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU}

func newRunCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run <container-id>",
		Short: "Create and start a container, wait for it, delete it; exit with its status",
		Args:  cobra.ExactArgs(1),
	}
	cf := addCreateFlags(cmd, g)
	detach := cmd.Flags().BoolP("detach", "d", false, "create and start the container, then return (it keeps running)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		o := cf.options(cmd, args[0])
		if *detach {
			return runDetached(o)
		}
		sigs := make(chan os.Signal, 16)
		signal.Notify(sigs, forwarded...)
		defer signal.Stop(sigs)
		o.Signals = sigs
		code, err := runtime.Run(o)
		if err == nil && code != 0 {
			return ExitStatus(code)
		}
		return err
	}
	return cmd
}

// runDetached is run --detach: create and start; the container outlives
// the command (delete it later).
func runDetached(o runtime.CreateOptions) error {
	if _, err := runtime.Create(o); err != nil {
		return err
	}
	if err := runtime.Start(o.Root, o.ID); err != nil {
		runtime.Delete(o.Root, o.ID, true)
		return err
	}
	return nil
}
