package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func init() { syscallsVerbs = append(syscallsVerbs, newSyscallsSeccompCmd) }

func newSyscallsSeccompCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "seccomp",
		Short: "Compile OCI/Docker seccomp profiles to classic BPF (binary-search dispatch) and run programs under them",
	}
	cmd.AddCommand(newSeccompCompileCmd(), newSeccompRunCmd())
	return cmd
}

// seccompFlags are the compile options both subcommands take.
type seccompFlags struct {
	opts seccomp.Options
	caps string
}

func (sf *seccompFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&sf.opts.Linear, "linear", false, "dispatch with libseccomp's linear chain instead of a binary search")
	f.BoolVar(&sf.opts.StrictNames, "strict", false, "syscall names unknown on x86_64 are errors, not warnings")
	f.StringVar(&sf.caps, "caps", "", "capabilities for Docker includes/excludes, comma-separated (default: Docker's set)")
	f.StringVar(&sf.opts.Kernel, "kernel", "", "kernel version for minKernel, e.g. 6.1 (default: the running kernel)")
}

// compile reads, parses and compiles the policy file, printing warnings.
func (sf *seccompFlags) compile(cmd *cobra.Command, path string) (*seccomp.Policy, *seccomp.Filter, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	p, err := seccomp.ParsePolicy(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if sf.caps != "" {
		sf.opts.Caps = strings.Split(sf.caps, ",")
	}
	f, err := seccomp.CompileWith(p, sf.opts)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, w := range f.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s: %s\n", path, w)
	}
	return p, f, nil
}

func newSeccompCompileCmd() *cobra.Command {
	var sf seccompFlags
	var out string
	var disasm bool
	cmd := &cobra.Command{
		Use:   "compile POLICY.json",
		Short: "Compile a seccomp profile; write struct sock_filter bytes (-o) or the disassembly (--disasm)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, f, err := sf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if out != "" {
				if err := os.WriteFile(out, f.Marshal(), 0o644); err != nil {
					return err
				}
			}
			if disasm {
				fmt.Fprint(cmd.OutOrStdout(), f.Disassemble())
			}
			dispatch := "binary search"
			if sf.opts.Linear {
				dispatch = "linear chain"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d instructions, %d syscalls with rules, %s dispatch\n", args[0], len(f.Insns), f.Syscalls, dispatch)
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the program to `FILE` (the kernel's struct sock_filter array)")
	cmd.Flags().BoolVar(&disasm, "disasm", false, "print the program's disassembly")
	return cmd
}

func newSeccompRunCmd() *cobra.Command {
	var sf seccompFlags
	cmd := &cobra.Command{
		Use:   "run POLICY.json -- CMD [ARG...]",
		Short: "Run CMD under the compiled profile (TSYNC, no_new_privs) and exit with its status",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, f, err := sf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if usesNotify(p) {
				return fmt.Errorf("%s: SCMP_ACT_NOTIFY needs a supervisor; run has none", args[0])
			}
			argv := args[1:]
			if argv[0] == "--" { // flags stop at POLICY.json, so "--" reaches us
				argv = argv[1:]
			}
			if len(argv) == 0 {
				return usagef("seccomp run: no command after %s", args[0])
			}
			return runUnderFilter(cmd, f, argv)
		},
	}
	cmd.Flags().SetInterspersed(false)
	sf.register(cmd)
	return cmd
}

func usesNotify(p *seccomp.Policy) bool {
	if p.DefaultAction == specs.ActNotify {
		return true
	}
	for _, r := range p.Syscalls {
		if r.Action == specs.ActNotify {
			return true
		}
	}
	return false
}

// runUnderFilter runs argv under f with the CLI's stdio and turns its end
// into deepsys's exit status (128+signal when killed, as a shell does).
func runUnderFilter(cmd *cobra.Command, f *seccomp.Filter, argv []string) error {
	c, err := seccomp.Command(f, argv[0], argv[1:]...)
	if err != nil {
		return err
	}
	c.Stdin, c.Stdout, c.Stderr = cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr()
	err = c.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return err
	}
	ws := c.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		fmt.Fprintf(cmd.ErrOrStderr(), "deepsys: %s killed by %s\n", argv[0], unix.SignalName(ws.Signal()))
		return exitStatus(128 + int(ws.Signal()))
	}
	if ws.ExitStatus() != 0 {
		return exitStatus(ws.ExitStatus())
	}
	return nil
}
