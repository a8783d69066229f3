package runc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newPsCmd) }

// newPsCmd is runc ps: the container's pids come from its cgroup; --format
// json prints them as a JSON array, --format table runs ps(1) (with the
// arguments after the id, default -ef) and keeps the header and the lines
// whose PID column is one of them.
func newPsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ps <container-id> [ps options]",
		Short: "List the processes of a container",
		Args:  cobra.MinimumNArgs(1),
	}
	cmd.Flags().SetInterspersed(false) // what follows the id is ps(1)'s
	format := cmd.Flags().StringP("format", "f", "table", "table or json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *format != "table" && *format != "json" {
			return usagef("--format %q: want table or json", *format)
		}
		pids, err := runtime.Processes(g.Root, args[0])
		if err != nil {
			return err
		}
		if *format == "json" {
			if pids == nil {
				pids = []int{}
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(pids)
		}
		psArgs := args[1:]
		if len(psArgs) == 0 {
			psArgs = []string{"-ef"}
		}
		out, err := exec.Command("ps", psArgs...).Output()
		if err != nil {
			return fmt.Errorf("ps %s: %w", strings.Join(psArgs, " "), err)
		}
		return filterPs(cmd.OutOrStdout(), out, pids)
	}
	return cmd
}

// filterPs copies ps(1)'s header and the lines whose PID column holds one
// of pids.
func filterPs(w io.Writer, out []byte, pids []int) error {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	col := slices.Index(strings.Fields(lines[0]), "PID")
	if col < 0 {
		return fmt.Errorf("ps output has no PID column: %q", lines[0])
	}
	var b bytes.Buffer
	b.WriteString(lines[0] + "\n")
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) <= col {
			continue
		}
		if pid, err := strconv.Atoi(f[col]); err == nil && slices.Contains(pids, pid) {
			b.WriteString(line + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
