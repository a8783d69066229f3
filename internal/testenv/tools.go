package testenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
const CorporaEnv = "DEEPSYS_CORPORA"

// Corpus returns the directory of the named corpus: $DEEPSYS_CORPORA/name,
// else ../shared/corpora/name beside the module root. Corpora are files the
// project did not write (spec suites, conformance vectors); they are never
// copied into the repository.
func Corpus(t testing.TB, name string) string {
	t.Helper()
	dir, err := CorpusDir(name)
	if err != nil {
		missing(t, err.Error())
	}
	return dir
}

// CorpusDir is Corpus without a test: the bench and tour commands use it.
func CorpusDir(name string) (string, error) {
	root := os.Getenv(CorporaEnv)
	if root == "" {
		mod, err := ModuleRoot()
		if err != nil {
			return "", fmt.Errorf("corpus %q: %w", name, err)
		}
		root = filepath.Join(mod, "..", "shared", "corpora")
	}
	dir := filepath.Join(root, name)
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("corpus %q not found (set %s or place it at %s): %w", name, CorporaEnv, dir, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("corpus %q: %s is not a directory", name, dir)
	}
	return dir, nil
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

// ModuleRoot walks up from the working directory to the directory that
// holds go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
