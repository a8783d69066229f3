package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// tourResult is what one system's showcase produced.
type tourResult struct {
	Number  int     `json:"number"`
	System  string  `json:"system"`
	Status  string  `json:"status"` // "ok" or "failed"
	Seconds float64 `json:"seconds"`
	Rows    []row   `json:"rows"`
	Error   string  `json:"error,omitempty"`
}

func newTourCmd(systems []system) *cobra.Command {
	var asJSON bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "tour",
		Short: "Run every landed system's showcase in turn and summarise what it measured",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if !asJSON {
				if err := printSystems(cmd, systems); err != nil {
					return err
				}
			}
			results := runTour(cmd.Context(), systems, timeout, cmd.ErrOrStderr())
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				printTour(out, results)
			}
			return tourError(results)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "time allowed for each showcase")
	return cmd
}

// showcased is the systems that have a showcase, in catalogue order.
func showcased(systems []system) []system {
	var out []system
	for _, s := range systems {
		if s.cli != nil && s.cli.showcase != nil {
			out = append(out, s)
		}
	}
	return out
}

// runTour runs each showcase with a progress bar on progress.
func runTour(ctx context.Context, systems []system, timeout time.Duration, progress io.Writer) []tourResult {
	todo := showcased(systems)
	results := []tourResult{}
	if len(todo) == 0 {
		return results
	}
	bar := progressbar.NewOptions(len(todo), progressbar.OptionSetWriter(progress),
		progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish())
	for _, s := range todo {
		bar.Describe(fmt.Sprintf("tour: %-12s", s.folder))
		results = append(results, runShowcase(ctx, s, timeout))
		_ = bar.Add(1)
	}
	_ = bar.Finish()
	return results
}

// runShowcase runs one system's showcase under a deadline.
func runShowcase(ctx context.Context, s system, timeout time.Duration) tourResult {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	rows, err := s.cli.showcase(ctx)
	res := tourResult{Number: s.number, System: s.folder, Status: "ok", Rows: rows,
		Seconds: time.Since(start).Seconds()}
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
	}
	if res.Rows == nil {
		res.Rows = []row{}
	}
	return res
}

func printTour(w io.Writer, results []tourResult) {
	if len(results) == 0 {
		fmt.Fprintln(w, "\nNo system has landed yet: nothing to tour.")
		return
	}
	for _, r := range results {
		fmt.Fprintf(w, "\n== %d %s (%s, %.1fs)\n", r.Number, r.System, r.Status, r.Seconds)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, row := range r.Rows {
			fmt.Fprintf(tw, "  %s\t%s\n", row.Name, row.Value)
		}
		tw.Flush()
		if r.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", r.Error)
		}
	}
	fmt.Fprintln(w, "\nSummary")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSYSTEM\tSTATUS\tSECONDS\tFIGURES")
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.1f\t%d\n", r.Number, r.System, r.Status, r.Seconds, len(r.Rows))
	}
	tw.Flush()
}

func tourError(results []tourResult) error {
	var failed []string
	for _, r := range results {
		if r.Status != "ok" {
			failed = append(failed, r.System)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("tour: showcase failed for %v", failed)
	}
	return nil
}

// newShowcaseCmd is `deepsys <system> showcase`: one system's part of the tour.
func newShowcaseCmd(s system) *cobra.Command {
	return &cobra.Command{
		Use:   "showcase",
		Short: "Run this system's part of the tour",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res := runShowcase(cmd.Context(), s, time.Hour)
			printTour(cmd.OutOrStdout(), []tourResult{res})
			return tourError([]tourResult{res})
		},
	}
}
