package runtime

import (
	"os"
	"syscall"
)

// Signal forwarding by run (runc's signal proxy): while Run waits for the
// container's process, each signal that arrives on CreateOptions.Signals
// (the caller registers them with os/signal) is sent to that process with
// kill(2). In a pid namespace the process is its pid 1, which the kernel
// shields from signals it has no handler for (pid_namespaces(7)), as under
// runc: a shell that traps SIGTERM sees it, a bare sleep does not.

// waitForwarding waits for c while passing on what sigs delivers.
func waitForwarding(c *Container, sigs <-chan os.Signal) (int, error) {
	if sigs == nil {
		return c.Wait()
	}
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := c.Wait()
		done <- result{code, err}
	}()
	for {
		select {
		case r := <-done:
			return r.code, r.err
		case sig := <-sigs:
			if s, ok := sig.(syscall.Signal); ok {
				syscall.Kill(c.Pid, s) // gone already: Wait is about to return
			}
		}
	}
}
