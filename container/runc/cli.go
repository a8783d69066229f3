package runc

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/spf13/cobra"
)

// Globals are runc's global flags, shared by every verb.
type Globals struct {
	Root          string
	Log           string
	LogFormat     string
	Debug         bool
	SystemdCgroup bool
}

// ExitStatus is returned by a verb that ran a process: the command exits
// with that status and prints nothing more.
type ExitStatus int

func (e ExitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// UsageError marks an error in how a verb was called (exit status 2).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// usagef is a UsageError with a formatted message.
func usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// verbs are the constructors of the runc verbs; each verb's file adds its
// own from an init function.
var verbs []func(g *Globals) *cobra.Command

// Attach adds runc's global flags (as persistent flags, so they may come
// before or after the verb) and every runc verb to parent.
func Attach(parent *cobra.Command) *Globals {
	g := &Globals{}
	f := parent.PersistentFlags()
	f.StringVar(&g.Root, "root", runtime.DefaultRoot, "root directory of the containers' state")
	f.StringVar(&g.Log, "log", "", "append errors to this file")
	f.StringVar(&g.LogFormat, "log-format", "text", "format of --log: text or json")
	f.BoolVar(&g.Debug, "debug", false, "accepted for runc compatibility (errors are always logged)")
	f.BoolVar(&g.SystemdCgroup, "systemd-cgroup", false, "use the systemd cgroup driver (not supported: refused)")
	for _, newVerb := range verbs {
		cmd := newVerb(g)
		cmd.RunE = g.checked(cmd.RunE)
		parent.AddCommand(cmd)
	}
	return g
}

// checked wraps a verb: it refuses global flags we do not implement, and
// appends the verb's error to --log.
func (g *Globals) checked(run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := g.validate()
		if err == nil {
			err = run(cmd, args)
		}
		var st ExitStatus
		if err != nil && !errors.As(err, &st) {
			if lerr := g.logError(err); lerr != nil {
				return errors.Join(err, lerr)
			}
		}
		return err
	}
}

func (g *Globals) validate() error {
	if g.LogFormat != "text" && g.LogFormat != "json" {
		return usagef("--log-format %q: want text or json", g.LogFormat)
	}
	if g.SystemdCgroup {
		return errors.New("--systemd-cgroup: the systemd cgroup driver is not supported; use cgroupfs paths")
	}
	return nil
}

// NewCommand is the standalone runtime's root command (cmd/deepsys-runc).
func NewCommand(name, version string, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           name,
		Short:         "deepsys's OCI runtime, with runc's command line",
		Version:       fmt.Sprintf("%s\nspec: %s", version, specs.Version),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError{err} })
	root.SetVersionTemplate(name + " version {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	Attach(root)
	return root
}

// Main runs the standalone runtime with args and returns its exit status:
// 0, the container's status for run, 1 on an error, 2 on a usage error.
func Main(name, version string, args []string, stdout, stderr io.Writer) int {
	root := NewCommand(name, version, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var st ExitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	if IsUsageError(err) {
		return 2
	}
	return 1
}

// IsUsageError reports whether err is a usage error: ours, or one of
// cobra's own for unknown commands and wrong argument counts.
func IsUsageError(err error) bool {
	var u UsageError
	if errors.As(err, &u) {
		return true
	}
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.Contains(msg, " arg(s), received ")
}
