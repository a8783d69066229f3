package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// systemInfo is one element of `deepsys systems --json`.
type systemInfo struct {
	Number int    `json:"number"`
	Folder string `json:"folder"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

func infos(systems []system) []systemInfo {
	out := make([]systemInfo, 0, len(systems))
	for _, s := range systems {
		out = append(out, systemInfo{s.number, s.folder, s.title, s.status()})
	}
	return out
}

func newSystemsCmd(systems []system) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "systems",
		Short: "List the nineteen systems, their folders, articles and status",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(infos(systems))
			}
			return printSystems(cmd, systems)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of {number, folder, title, status}")
	return cmd
}

func printSystems(cmd *cobra.Command, systems []system) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tFOLDER\tSTATUS\tARTICLE")
	for _, s := range infos(systems) {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Number, s.Folder, s.Status, s.Title)
	}
	return tw.Flush()
}
