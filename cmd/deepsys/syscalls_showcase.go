package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/deepsys/deepsys/syscalls/learn"
	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/deepsys/deepsys/syscalls/trace"
)

// syscallsShowcase is what `deepsys tour` shows of article 5: a shell
// pipeline traced (as strace -f -c would count it), the allow-list policy
// learned from it, and the kernel enforcing that policy.
func syscallsShowcase(ctx context.Context) ([]row, error) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		return nil, err
	}
	script := "echo traced | cat >/dev/null; ls / >/dev/null"
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	res, err := trace.Run(ctx, []string{sh, "-c", script}, trace.Options{Follow: true, Summary: true,
		Output: devnull, Stdout: devnull, Stderr: devnull})
	if err != nil {
		return nil, err
	}
	calls, names := 0, 0
	for _, r := range res.Summary.Rows() {
		calls, names = calls+r.Calls, names+1
	}
	rows := []row{{"trace -f: sh -c '" + script + "'", fmt.Sprintf("%d syscalls of %d kinds, exit %d", calls, names, res.ExitCode)}}
	more, err := learnedPolicyShowcase(ctx, sh, script, devnull)
	return append(rows, more...), err
}

// learnedPolicyShowcase learns script's policy and has the kernel enforce
// it: the script runs, a mkdir it never made is refused.
func learnedPolicyShowcase(ctx context.Context, sh, script string, devnull *os.File) ([]row, error) {
	l, err := learn.Learn(ctx, []string{sh, "-c", script}, learn.Options{Stdout: devnull, Stderr: devnull})
	if err != nil {
		return nil, err
	}
	f, err := seccomp.Compile(l.Policy)
	if err != nil {
		return nil, err
	}
	rows := []row{{"learn: the allow-list policy", fmt.Sprintf("%d syscalls allowed, %d cBPF instructions (binary search)", len(l.Policy.Syscalls[0].Names), len(f.Insns))}}
	cmd, err := seccomp.Command(f, sh, "-c", script)
	if err != nil {
		return rows, err
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return rows, fmt.Errorf("the script under its learned policy: %v: %s", err, out)
	}
	dir, err := os.MkdirTemp("", "deepsys-tour-")
	if err != nil {
		return rows, err
	}
	defer os.RemoveAll(dir)
	cmd, err = seccomp.Command(f, sh, "-c", "mkdir "+filepath.Join(dir, "x")+" 2>&1")
	if err != nil {
		return rows, err
	}
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "Operation not permitted") {
		return rows, fmt.Errorf("mkdir under the learned policy was not refused: %q", out)
	}
	return append(rows, row{"seccomp run: the script / a mkdir", "runs / refused (EPERM)"}), nil
}
