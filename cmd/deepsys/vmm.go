package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/vmm"
	"github.com/deepsys/deepsys/vmm/exitbench"
	"github.com/deepsys/deepsys/vmm/kvm"
	"github.com/deepsys/deepsys/vmm/tinyguest"
	"github.com/spf13/cobra"
)

// vmmCLI plugs article 15, hypervisor internals, into the CLI: `vmm hello`
// runs a tiny long-mode guest, the showcase tours the exit loop, and the
// bench is our exit loop against a C KVM loop (vmm/exitbench).
var vmmCLI = &systemCLI{
	verbs:    func() []*cobra.Command { return []*cobra.Command{newVMMHelloCmd()} },
	showcase: vmmShowcase,
	bench: func(cfg benchConfig) ([]bench.Workload, error) {
		if cfg.Quick {
			return exitbench.Workloads(exitbench.Quick)
		}
		return exitbench.Workloads(exitbench.Default)
	},
}

// vmmGuestLimit is how long a tiny guest may run before it is stopped.
const vmmGuestLimit = 30 * time.Second

func newVMMHelloCmd() *cobra.Command {
	var stats, ring3 bool
	var msg string
	cmd := &cobra.Command{
		Use:   "hello",
		Short: "Run a tiny long-mode guest that prints through our 8250 UART (--stats: its VM exits)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			guest := tinyguest.Hello
			if ring3 {
				guest = tinyguest.Ring3
			}
			code, err := guest(msg)
			if err != nil {
				return usagef("%v", err)
			}
			res, err := tinyguest.Run(code, cmd.OutOrStdout(), vmmGuestLimit)
			if err != nil {
				return err
			}
			if stats {
				return vmm.WriteExitStats(cmd.OutOrStdout(), res.Exits)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&stats, "stats", false, "print the guest's exits by reason: count, total, p50, p99 handling time")
	f.BoolVar(&ring3, "ring3", false, "print from ring 3 (CPL 3) and finish through the debug-exit port")
	f.StringVar(&msg, "message", "hello from a deepsys guest\n", "what the guest prints")
	return cmd
}

// vmmShowcase is what `deepsys tour` shows of article 15: a ring-0 guest
// printing through the UART, a ring-3 guest doing the same, and the exit
// table of a guest that traps 1000 times.
func vmmShowcase(ctx context.Context) ([]row, error) {
	var rows []row
	for _, g := range []struct {
		name  string
		build func(string) ([]byte, error)
		msg   string
	}{
		{"ring-0 long-mode guest via the 8250 UART", tinyguest.Hello, "hello from ring 0\n"},
		{"ring-3 guest via the 8250 UART", tinyguest.Ring3, "hello from ring 3\n"},
	} {
		r, err := showGuest(g.name, g.build, g.msg)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r)
	}
	more, err := showExitTable(1000)
	return append(rows, more...), err
}

// showGuest runs a printing guest and checks it printed msg.
func showGuest(name string, build func(string) ([]byte, error), msg string) (row, error) {
	code, err := build(msg)
	if err != nil {
		return row{}, err
	}
	var out bytes.Buffer
	res, err := tinyguest.Run(code, &out, vmmGuestLimit)
	if err != nil {
		return row{}, fmt.Errorf("%s: %w", name, err)
	}
	if out.String() != msg {
		return row{}, fmt.Errorf("%s printed %q, want %q", name, out.String(), msg)
	}
	io := exitsOf(res.Exits, kvm.ExitIO)
	return row{name, fmt.Sprintf("printed %q, %d KVM_EXIT_IO (p50 %v)", strings.TrimSpace(msg), io.Count, io.P50)}, nil
}

// showExitTable runs a guest making n OUTs to a port nobody claims and
// returns its exit table as rows.
func showExitTable(n int) ([]row, error) {
	code, err := tinyguest.ExitLoop(n, tinyguest.PIO, exitbench.Port, vmm.DevicesMMIOStart)
	if err != nil {
		return nil, err
	}
	res, err := tinyguest.Run(code, &bytes.Buffer{}, vmmGuestLimit)
	if err != nil {
		return nil, fmt.Errorf("exit-loop guest: %w", err)
	}
	var rows []row
	for _, s := range res.Exits {
		rows = append(rows, row{fmt.Sprintf("exits: %v (%d OUTs + debug exit)", s.Reason, n),
			fmt.Sprintf("count %d, total %v, p50 %v, p99 %v", s.Count, s.Total, s.P50, s.P99)})
	}
	return rows, nil
}

func exitsOf(stats []vmm.ExitStat, r kvm.ExitReason) vmm.ExitStat {
	for _, s := range stats {
		if s.Reason == r {
			return s
		}
	}
	return vmm.ExitStat{Reason: r}
}
