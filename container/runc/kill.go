package runc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func init() { verbs = append(verbs, newKillCmd) }

func newKillCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kill <container-id> [signal]",
		Short: "Send a signal (default SIGTERM) to a container's process",
		Args:  cobra.RangeArgs(1, 2),
	}
	all := cmd.Flags().BoolP("all", "a", false, "signal every process of the container (all its cgroup holds)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		sig := unix.SIGTERM
		if len(args) == 2 {
			var err error
			if sig, err = parseSignal(args[1]); err != nil {
				return UsageError{err}
			}
		}
		if *all {
			return runtime.KillAll(g.Root, args[0], sig)
		}
		return runtime.Kill(g.Root, args[0], sig)
	}
	return cmd
}

// parseSignal takes "9", "KILL" or "SIGKILL".
func parseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65 {
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}
