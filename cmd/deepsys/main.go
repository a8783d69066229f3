// Command deepsys is the one CLI of the deepsys project: `deepsys <system>
// <verb>` for each of the nineteen systems of the "Systems" series, plus
// `systems` (what exists), `tour` (run every landed system's showcase),
// `bench` (every side-by-side benchmark) and `version`.
//
// The command is thin: flags become calls into each system's package. A
// system plugs in with one line: its entry in catalog.go points at its
// systemCLI (registry.go), which lives in the system's own file here
// (cmd/deepsys/<system>.go).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/deepsys/deepsys/container/runc"
)

func main() {
	// Invoked through a link named runc or deepsys-runc, deepsys is the
	// standalone OCI runtime that containerd-style tools point at.
	if name := filepath.Base(os.Args[0]); name == "runc" || name == "deepsys-runc" {
		os.Exit(runc.Main(name, version, os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI with args and returns the process exit code: 0 on
// success, 1 when a command failed, 2 for a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr, catalog)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var st exitStatus
	if errors.As(err, &st) { // a verb that ran a program exits with its status
		return int(st)
	}
	var rst runc.ExitStatus
	if errors.As(err, &rst) {
		return int(rst)
	}
	fmt.Fprintf(stderr, "deepsys: %v\n", err)
	if isUsageError(err) {
		fmt.Fprintln(stderr, "run 'deepsys --help' for usage")
		return 2
	}
	return 1
}

var sprintf = fmt.Sprintf

// exitStatus is returned by a verb that ran a program (`syscalls seccomp
// run`): deepsys exits with that program's status and prints nothing more.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
