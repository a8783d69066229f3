package runc

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/spf13/cobra"
)

func init() { verbs = append(verbs, newExecCmd) }

// execFlags are runc exec's flags.
type execFlags struct {
	process, pidFile, consoleSocket, cwd, user string
	tty, detach, noNewPrivs                    bool
	env, caps, groups                          []string
}

func newExecCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exec [flags] <container-id> [command [args...]]",
		Short: "Run another process in a running container",
		Args:  cobra.MinimumNArgs(1),
	}
	var ef execFlags
	f := cmd.Flags()
	f.SetInterspersed(false) // flags after the id belong to the command
	f.StringVarP(&ef.process, "process", "p", "", "path to a process.json (runtime-spec process) to run")
	f.BoolVarP(&ef.tty, "tty", "t", false, "allocate a pseudo-TTY (needs --console-socket)")
	f.BoolVarP(&ef.detach, "detach", "d", false, "return once the process runs")
	f.StringVar(&ef.pidFile, "pid-file", "", "write the process's pid to this file")
	f.StringVar(&ef.consoleSocket, "console-socket", "", "unix socket that receives the pty master")
	f.StringVar(&ef.cwd, "cwd", "", "current working directory in the container")
	f.StringArrayVarP(&ef.env, "env", "e", nil, "set an environment variable (KEY=value)")
	f.StringVarP(&ef.user, "user", "u", "", "UID[:GID] to run as")
	f.StringArrayVarP(&ef.groups, "additional-gids", "g", nil, "additional gid")
	f.StringArrayVarP(&ef.caps, "cap", "c", nil, "add a capability to the bounding, effective and permitted sets")
	f.BoolVar(&ef.noNewPrivs, "no-new-privs", false, "set no_new_privs for the process")
	f.String("apparmor", "", "accepted for runc compatibility (ignored: no AppArmor here)")
	f.String("process-label", "", "accepted for runc compatibility (ignored: no SELinux here)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		p, err := ef.build(g.Root, args[0], args[1:], cmd.Flags().Changed("tty"))
		if err != nil {
			return err
		}
		code, err := runtime.Exec(g.Root, args[0], p, runtime.ExecOptions{Detach: ef.detach, PidFile: ef.pidFile,
			ConsoleSocket: ef.consoleSocket, Stdin: cmd.InOrStdin(), Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr()})
		if err == nil && code != 0 {
			return ExitStatus(code)
		}
		return err
	}
	return cmd
}

// build is the process to run: process.json, or the container's own
// process with args and the flags applied (as runc's getProcess).
func (ef *execFlags) build(root, id string, args []string, ttySet bool) (*specs.Process, error) {
	if ef.process != "" {
		b, err := os.ReadFile(ef.process)
		if err != nil {
			return nil, err
		}
		p, err := runtime.ParseProcess(b)
		if err != nil {
			return nil, fmt.Errorf("--process %s: %w", ef.process, err)
		}
		return p, nil
	}
	if len(args) == 0 {
		return nil, usagef("exec: give a command after the container id, or --process")
	}
	p, err := runtime.ContainerProcess(root, id)
	if err != nil {
		return nil, err
	}
	p.Args = args
	p.Env = append(p.Env, ef.env...)
	if ttySet {
		p.Terminal = ef.tty
	}
	if ef.cwd != "" {
		p.Cwd = ef.cwd
	}
	if ef.noNewPrivs {
		p.NoNewPrivileges = true
	}
	if err := ef.applyUser(p); err != nil {
		return nil, err
	}
	ef.addCaps(p)
	return p, nil
}

// applyUser sets --user UID[:GID] and --additional-gids.
func (ef *execFlags) applyUser(p *specs.Process) error {
	if ef.user != "" {
		uid, gid, hasGID := strings.Cut(ef.user, ":")
		u, err := strconv.ParseUint(uid, 10, 32)
		if err != nil {
			return usagef("--user %q: want UID[:GID] as numbers", ef.user)
		}
		p.User.UID = uint32(u)
		if hasGID {
			g, err := strconv.ParseUint(gid, 10, 32)
			if err != nil {
				return usagef("--user %q: want UID[:GID] as numbers", ef.user)
			}
			p.User.GID = uint32(g)
		}
	}
	for _, s := range ef.groups {
		g, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return usagef("--additional-gids %q: not a number", s)
		}
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(g))
	}
	return nil
}

// addCaps adds --cap to the bounding, effective and permitted sets, and
// to the ambient set when the process has inheritable ones (runc's rule).
func (ef *execFlags) addCaps(p *specs.Process) {
	if len(ef.caps) == 0 {
		return
	}
	if p.Capabilities == nil {
		p.Capabilities = &specs.LinuxCapabilities{}
	}
	c := p.Capabilities
	for _, name := range ef.caps {
		c.Bounding = append(c.Bounding, name)
		c.Effective = append(c.Effective, name)
		c.Permitted = append(c.Permitted, name)
		if c.Inheritable != nil {
			c.Ambient = append(c.Ambient, name)
		}
	}
}
