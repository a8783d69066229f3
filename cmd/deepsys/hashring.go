package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/hashring"
	"github.com/deepsys/deepsys/hashring/hashbench"
	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/internal/corpora"
	"github.com/spf13/cobra"
)

// hashringCLI plugs article 18, consistent hashing, into the CLI.
var hashringCLI = &systemCLI{
	verbs: func() []*cobra.Command {
		return []*cobra.Command{newHashringSimulateCmd(), newHashringLookupCmd()}
	},
	showcase: hashringShowcase,
	bench: func(cfg benchConfig) ([]bench.Workload, error) {
		if cfg.Quick {
			return hashbench.Workloads(hashbench.Quick)
		}
		return hashbench.Workloads(hashbench.Config{})
	},
}

func newHashringSimulateCmd() *cobra.Command {
	cfg := hashring.SimConfig{Remove: -1}
	var plot string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Place keys on N nodes, change the membership, report balance, keys moved and lookup time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := hashring.Simulate(cfg)
			if err != nil {
				return err
			}
			printSimulation(cmd, res)
			if plot != "" {
				return res.WritePlot(plot)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Algorithm, "algo", "ketama", "algorithm: "+strings.Join(hashring.Algorithms(), ", "))
	f.IntVar(&cfg.Nodes, "nodes", 10, "number of nodes (node-0 ... node-N-1)")
	f.IntVar(&cfg.Keys, "keys", 100000, "number of keys (key:0 ...)")
	f.IntVar(&cfg.Remove, "remove", -1, "index of a node to remove after placing the keys")
	f.IntVar(&cfg.Add, "add", 0, "number of nodes to add after the removal")
	f.Float64Var(&cfg.Options.Epsilon, "epsilon", 0, "bounded: load factor (default 0.25)")
	f.IntVar(&cfg.Options.VirtualNodes, "vnodes", 0, "ring: virtual nodes per unit weight (default 160)")
	f.IntVar(&cfg.Options.Probes, "probes", 0, "multiprobe: probes per lookup (default 21)")
	f.StringVar(&plot, "plot", "", "draw keys per node to `FILE` (PNG)")
	return cmd
}

func printSimulation(cmd *cobra.Command, r hashring.SimResult) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "algorithm      %s\n", r.Algorithm)
	fmt.Fprintf(w, "balance        max/mean %.3f  stddev/mean %.3f  (%d nodes, mean %.1f keys)\n",
		r.Before.PeakToAvg, r.Before.RelStddev, len(r.Before.Order), r.Before.Mean)
	if r.Changed {
		fmt.Fprintf(w, "after change   max/mean %.3f  stddev/mean %.3f  (%d nodes)\n",
			r.After.PeakToAvg, r.After.RelStddev, len(r.After.Order))
		fmt.Fprintf(w, "keys moved     %d (%.2f%%; a minimal-disruption hash moves %.2f%%)\n",
			r.Moved, r.MovedPercent, r.IdealMovedPercent)
	}
	fmt.Fprintf(w, "lookup         %.1f ns/op\n", r.LookupNs)
}

func newHashringLookupCmd() *cobra.Command {
	var algo, servers string
	cmd := &cobra.Command{
		Use:   "lookup KEY...",
		Short: "Print KEY<TAB>host:port for each key, as libmemcached or twemproxy would place it",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, keys []string) error {
			nodes, err := hashring.ParseServers(servers)
			if err != nil {
				return usageError{err}
			}
			h, err := hashring.New(algo, nodes, hashring.Options{})
			if err != nil {
				return err
			}
			for _, k := range keys {
				node, err := h.Lookup(k)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", k, node)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&algo, "algo", "ketama", "algorithm: "+strings.Join(hashring.Algorithms(), ", "))
	cmd.Flags().StringVar(&servers, "servers", "", "servers as host:port[:weight],...")
	_ = cmd.MarkFlagRequired("servers")
	return cmd
}

// hashringShowcase checks ketama against the libmemcached and twemproxy
// vectors, then simulates every algorithm on 100 nodes: balance, keys
// moved by one removal and by one addition, lookup time.
func hashringShowcase(ctx context.Context) ([]row, error) {
	rows, err := ketamaVectorRows()
	if err != nil {
		return rows, err
	}
	for _, algo := range hashring.Algorithms() {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		r, err := showcaseAlgorithm(algo)
		if err != nil {
			return rows, fmt.Errorf("%s: %w", algo, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// showcaseAlgorithm places 100,000 keys on 100 nodes, then measures the
// keys moved by removing one node and, separately, by adding one, each
// against the least a consistent hash must move.
func showcaseAlgorithm(algo string) (row, error) {
	remove := hashring.SimConfig{Algorithm: algo, Nodes: 100, Keys: 100000, Remove: 17}
	if algo == "jump" {
		remove.Remove = 99 // jump hash removes only the last bucket
	}
	rm, err := hashring.Simulate(remove)
	if err != nil {
		return row{}, err
	}
	add, err := hashring.Simulate(hashring.SimConfig{Algorithm: algo, Nodes: 100, Keys: 100000, Remove: -1, Add: 1})
	if err != nil {
		return row{}, err
	}
	return row{algo, fmt.Sprintf("max/mean %.3f; remove one: %.2f%% moved (least %.2f%%); add one: %.2f%% (least %.2f%%); %.0f ns/lookup",
		rm.Before.PeakToAvg, rm.MovedPercent, rm.IdealMovedPercent, add.MovedPercent, add.IdealMovedPercent, rm.LookupNs)}, nil
}

// ketamaVectorRows reports, per corpus file, how many keys we place
// exactly where libmemcached or twemproxy did.
func ketamaVectorRows() ([]row, error) {
	dir, err := corpora.Dir("ketama-vectors")
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, set := range hashring.KetamaVectorSets {
		c, err := hashring.CheckVectorSet(dir, set)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row{"vectors " + set.File, fmt.Sprintf("%d/%d keys match (%s)", c.Matched, c.Total, set.Algorithm)})
		if c.Matched != c.Total {
			return rows, fmt.Errorf("%s: %d of %d keys placed differently", set.File, c.Total-c.Matched, c.Total)
		}
	}
	return rows, nil
}
