package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The exec child: step 4 of exec.go, in the container's namespaces and
// cgroup, on its locked main thread.

func init() {
	if os.Getenv(envExec) != "1" {
		return
	}
	runtime.LockOSThread()
	sync := os.NewFile(4, "sync")
	unix.CloseOnExec(4) // EOF on the runtime's side once execve succeeds
	err := enterNamespaces()
	if err == nil {
		err = execMain()
	}
	fmt.Fprintln(sync, err)
	os.Exit(exitExecFailed)
}

// execMain reads the process and becomes it; it returns only on error.
func execMain() error {
	var b execBootstrap
	cfg := os.NewFile(3, "config")
	if err := json.NewDecoder(cfg).Decode(&b); err != nil {
		return fmt.Errorf("reading the process: %w", err)
	}
	cfg.Close()
	if b.Process == nil {
		return fmt.Errorf("no process")
	}
	s := &specs.Spec{Process: b.Process, Linux: &specs.Linux{Seccomp: b.Seccomp}}
	p, err := prepare(s, -1)
	if err != nil {
		return err
	}
	if b.Listener {
		if p.agent, err = b.agentSender(); err != nil {
			return err
		}
	}
	if b.Process.Terminal {
		if p.tty, err = openPTY(); err != nil {
			return err
		}
	}
	return p.become()
}

// agentSender is the seccomp agent's message (seccompnotify.go) for the
// exec'd process: its pid, with the container's state (whose pid is the
// container's process, as runc sends it).
func (b *execBootstrap) agentSender() (*listenerSender, error) {
	unix.CloseOnExec(listenerFD)
	st := specs.ContainerProcessState{
		Version:  specs.Version,
		Fds:      []string{specs.SeccompFdName},
		Pid:      b.Pid,
		Metadata: b.Seccomp.ListenerMetadata,
		State: specs.State{Version: specs.Version, ID: b.ID, Status: specs.StateRunning, Pid: b.InitPid,
			Bundle: b.Bundle, Annotations: b.Annotations},
	}
	msg, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return &listenerSender{path: b.Seccomp.ListenerPath, sock: listenerFD, msg: msg, oob: unix.UnixRights(-1)}, nil
}

// become is prepared.exec without the init's hooks, returning errors.
func (p *prepared) become() error {
	if err := takeTerminal(p.tty); err != nil {
		return fmt.Errorf("process.terminal: %w", err)
	}
	if err := p.credentials(); err != nil {
		return err
	}
	if err := unix.Chdir(p.proc.Cwd); err != nil {
		return fmt.Errorf("process.cwd: %w", err)
	}
	var err error
	switch { // as prepared.exec
	case p.agent != nil:
		err = p.agent.execWithListener(p.filter, p.path, p.proc.Args, p.proc.Env, !p.keepPrivs())
	case p.filter != nil && p.keepPrivs():
		err = p.filter.ExecPrivileged(p.path, p.proc.Args, p.proc.Env)
	case p.filter != nil:
		err = p.filter.Exec(p.path, p.proc.Args, p.proc.Env)
	default:
		err = p.plainExec()
	}
	return fmt.Errorf("exec: %w", err)
}
