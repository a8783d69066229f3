package runc

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newListCmd) }

func newListCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the containers under --root",
		Args:  cobra.NoArgs,
	}
	format := cmd.Flags().StringP("format", "f", "table", "table or json")
	quiet := cmd.Flags().BoolP("quiet", "q", false, "print only the ids")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l, err := runtime.List(g.Root)
		if err != nil {
			return err
		}
		out := cmd.OutOrStdout()
		switch {
		case *quiet:
			for _, st := range l {
				fmt.Fprintln(out, st.ID)
			}
		case *format == "json":
			return json.NewEncoder(out).Encode(l)
		case *format == "table":
			w := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tPID\tSTATUS\tBUNDLE")
			for _, st := range l {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", st.ID, st.Pid, st.Status, st.Bundle)
			}
			return w.Flush()
		default:
			return UsageError{fmt.Errorf("--format %q: want table or json", *format)}
		}
		return nil
	}
	return cmd
}
