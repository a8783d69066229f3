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
	if b.Process.Terminal {
		if p.tty, err = openPTY(); err != nil {
			return err
		}
	}
	return p.become()
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
	if p.filter != nil {
		return fmt.Errorf("exec: %w", p.filter.Exec(p.path, p.proc.Args, p.proc.Env))
	}
	return fmt.Errorf("exec: %w", p.plainExec())
}
