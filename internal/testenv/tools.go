package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/internal/corpora"
)

// RequireTool needs the program name on PATH and returns its path.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, fmt.Sprintf("needs %q on PATH (scripts/setup-deps installs it): %v", name, err))
	}
	return path
}

// CorporaEnv names the variable that points at the corpora directory.
const CorporaEnv = corpora.Env

// Corpus returns the directory of the named corpus (see package corpora):
// $DEEPSYS_CORPORA/name, else ../shared/corpora/name beside the module
// root. Corpora are files the project did not write; they are never copied
// into the repository.
func Corpus(t testing.TB, name string) string {
	t.Helper()
	dir, err := corpora.Dir(name)
	if err != nil {
		missing(t, err.Error())
	}
	return dir
}

// SharedFile returns the path of a file in ../shared beside the module root
// (the project's shared notes, such as SYSTEMS.md), or skips (fails under
// CI) when it is absent.
func SharedFile(t testing.TB, name string) string {
	t.Helper()
	mod, err := ModuleRoot()
	if err != nil {
		missing(t, err.Error())
		return ""
	}
	path := filepath.Join(mod, "..", "shared", name)
	if _, err := os.Stat(path); err != nil {
		missing(t, fmt.Sprintf("needs ../shared/%s beside the checkout: %v", name, err))
	}
	return path
}

// ModuleRoot is the directory that holds go.mod, above the working
// directory.
func ModuleRoot() (string, error) { return corpora.ModuleRoot() }
