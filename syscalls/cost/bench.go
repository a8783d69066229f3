package cost

import (
	"fmt"

	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/syscalls/seccomp"
)

// Workloads is the filter-evaluation row of `deepsys syscalls bench`: the
// time a policy adds to each syscall in the kernel, for the same 100-rule
// policy (denyPolicy) compiled by syscalls/seccomp (binary search) and by
// libseccomp, the peer runc and crun compile with (its default chain, and
// its binary tree). Each program is made uncacheable (Uncacheable), so the
// kernel runs it on every getppid; the figure is ns added over the raw
// getppid measured right after (the harness's Overhead). iters sizes each
// child's loop.
func Workloads(iters int) ([]bench.Workload, error) {
	ours, err := seccomp.Compile(denyPolicy())
	if err != nil {
		return nil, err
	}
	chain, err := seccomp.CompileLibseccomp(denyPolicy(), seccomp.Options{}, 1)
	if err != nil {
		return nil, err
	}
	tree, err := seccomp.CompileLibseccomp(denyPolicy(), seccomp.Options{}, 2)
	if err != nil {
		return nil, err
	}
	raw := job{name: "raw getppid", loop: "getppid", iters: iters}
	under := func(name string, f *seccomp.Filter) bench.Contestant {
		j := job{name: name, loop: "getppid", iters: iters, filter: Uncacheable(f.Insns)}
		return bench.Contestant{Name: name, Run: j.measure, Overhead: raw.measure}
	}
	return []bench.Workload{{
		Name:   fmt.Sprintf("100-rule seccomp policy run by the kernel (%d getppid a round)", iters),
		Metric: "added time per syscall", Unit: "ns", Better: bench.LowerIsBetter, Goal: 25,
		Contestants: []bench.Contestant{
			under(bench.DeepsysName, ours),
			under("libseccomp (default chain)", chain),
			under("libseccomp (binary tree)", tree),
		},
	}}, nil
}
