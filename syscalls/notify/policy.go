package notify

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// PathPolicy is a ready-made handler (`deepsys syscalls notify`): it logs
// every notification with its path arguments (the "path" arguments of the
// syscall's signature in systab), fails with Errno those whose path is in
// Deny, and lets the rest continue.
//
// Denying is sound: the syscall does not run, whatever the process does to
// the path afterwards. Letting a syscall continue because its path was not
// in Deny is not (emulate.go, rule 3): a sibling thread can rewrite the path
// between our read and the kernel's. PathPolicy shows the mechanism; it is
// not a sandbox.
type PathPolicy struct {
	Deny  map[string]bool
	Errno unix.Errno // default EACCES
	// Log gets a line a notification (nil: none), from the handler
	// goroutines; if the command's stderr is the same writer, that writer
	// must be safe for concurrent use (os/exec copies into it from another
	// goroutine).
	Log io.Writer

	mu sync.Mutex // serialises Log lines
}

// Handle is the Handler.
func (p *PathPolicy) Handle(n *Notification) Response {
	paths, err := n.paths()
	r := Continue()
	switch {
	case err != nil:
		r = Deny(unix.EFAULT) // unreadable path: the kernel would say EFAULT too
	case p.denied(paths):
		r = Deny(orDefault(p.Errno, unix.EACCES))
	}
	p.log(n, paths, err, r)
	return r
}

// paths reads the syscall's path arguments, quoted.
func (n *Notification) paths() ([]string, error) {
	sc, ok := systab.Lookup(n.Nr)
	if !ok || n.Arch != unix.AUDIT_ARCH_X86_64 {
		return nil, nil
	}
	var out []string
	for i, a := range sc.Args {
		if a.Type != "path" {
			continue
		}
		s, err := n.PathArg(i)
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *PathPolicy) denied(paths []string) bool {
	for _, s := range paths {
		if p.Deny[s] {
			return true
		}
	}
	return false
}

func (p *PathPolicy) log(n *Notification, paths []string, err error, r Response) {
	if p.Log == nil {
		return
	}
	q := make([]string, len(paths))
	for i, s := range paths {
		q[i] = strconv.Quote(s)
	}
	if err != nil {
		q = append(q, "<"+err.Error()+">")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.Log, "[pid %d] %s(%s) -> %v\n", n.PID, n.Name(), strings.Join(q, ", "), r)
}
