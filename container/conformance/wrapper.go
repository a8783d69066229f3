package conformance

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// NewRuntime writes dir/name, a shell script that runs a runc-style
// runtime with its state under dir/name.state (`argv... --root STATE "$@"`:
// the suite calls the runtime without --root, and a private root keeps
// the run apart from other containers on the machine), and returns it.
func NewRuntime(dir, name string, argv ...string) (Runtime, error) {
	script := filepath.Join(dir, name)
	state := script + ".state"
	var b strings.Builder
	b.WriteString("#!/bin/sh\nexec")
	for _, a := range append(argv, "--root", state) {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString(" \"$@\"\n")
	if err := os.WriteFile(script, []byte(b.String()), 0o755); err != nil {
		return Runtime{}, err
	}
	return Runtime{Name: name, Command: script}, nil
}

// shellQuote quotes s for sh(1).
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Sweep force-deletes every container the runtime still lists and returns
// their ids: a program that failed half-way leaves its container behind.
func (rt Runtime) Sweep(ctx context.Context) []string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, rt.Command, "list", "-q").Output()
	if err != nil {
		return nil
	}
	ids := strings.Fields(string(bytes.TrimSpace(out)))
	for _, id := range ids {
		exec.CommandContext(ctx, rt.Command, "delete", "--force", id).Run()
	}
	return ids
}
