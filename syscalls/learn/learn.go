// Package learn builds the smallest seccomp allow-list that runs a program:
// it traces the program (syscalls/trace, following every thread and child)
// and writes an OCI / Docker seccomp policy (syscalls/seccomp) that allows
// exactly the syscalls the run made and answers every other one with
// EPERM, Docker's default action.
//
// The mechanism, step by step:
//
//  1. Run the command under the tracer with -f, counting each syscall by
//     name (the tracer's -c summary), so threads, forks and the programs a
//     shell execs are all learned.
//  2. Add the syscalls the summary cannot see and any program needs: exit
//     and exit_group never return to be counted, and rt_sigreturn and
//     restart_syscall are made by the kernel's signal and restart paths,
//     on runs that happen to take a signal.
//  3. Write the policy: defaultAction SCMP_ACT_ERRNO (errnoRet EPERM),
//     architectures [SCMP_ARCH_X86_64], and one SCMP_ACT_ALLOW rule with
//     the names in order.
//
// What a run did not do, the policy refuses: a learned policy is only as
// complete as the run that taught it (another input may take another
// path), which is why container runtimes ship hand-reviewed profiles and
// tools like this one help write them. Arguments are not learned: a rule
// allows a syscall whatever its arguments.
package learn

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/deepsys/deepsys/syscalls/trace"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Always are the syscalls step 2 adds to every learned policy.
var Always = []string{"exit", "exit_group", "rt_sigreturn", "restart_syscall"}

// Options are the learning run's standard streams (nil: the caller's).
type Options struct {
	Stdin, Stdout, Stderr *os.File
}

// Result is a learned policy and how the learning run ended.
type Result struct {
	Policy   *seccomp.Policy
	ExitCode int
	// Observed are the syscalls the run made, before step 2.
	Observed []string
}

// Learn runs argv under the tracer and returns the policy of step 3.
func Learn(ctx context.Context, argv []string, o Options) (Result, error) {
	res, err := trace.Run(ctx, argv, trace.Options{
		Follow: true, Summary: true, Output: io.Discard,
		Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr,
	})
	if err != nil {
		return Result{}, fmt.Errorf("learn: %w", err)
	}
	var seen []string
	for _, r := range res.Summary.Rows() {
		seen = append(seen, r.Name)
	}
	sort.Strings(seen)
	return Result{Policy: AllowList(seen), ExitCode: res.ExitCode, Observed: seen}, nil
}

// AllowList is the policy allowing names (and Always), EPERM for the rest.
func AllowList(names []string) *seccomp.Policy {
	set := map[string]bool{}
	for _, n := range append(append([]string{}, names...), Always...) {
		set[n] = true
	}
	all := make([]string, 0, len(set))
	for n := range set {
		all = append(all, n)
	}
	sort.Strings(all)
	eperm := uint(unix.EPERM)
	return &seccomp.Policy{
		DefaultAction:   specs.ActErrno,
		DefaultErrnoRet: &eperm,
		Architectures:   []specs.Arch{specs.ArchX86_64},
		Syscalls:        []seccomp.Rule{{Names: all, Action: specs.ActAllow}},
	}
}
