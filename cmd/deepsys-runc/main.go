// Command deepsys-runc is deepsys's OCI runtime as a standalone binary with
// runc's command line, for containerd-style tools to point at instead of
// runc (e.g. a shim's BinaryName, or runtime-tools' RUNTIME). It links only
// the container system (container/runc, container/runtime and what they
// use), so the runtime and each container's re-executed init start faster
// and smaller than the whole deepsys command; `deepsys container <verb>`
// is the same code.
package main

import (
	"os"
	"path/filepath"

	"github.com/deepsys/deepsys/container/runc"
)

// version is set at link time (-X main.version=...).
var version = "devel"

func main() {
	os.Exit(runc.Main(filepath.Base(os.Args[0]), version, os.Args[1:], os.Stdout, os.Stderr))
}
