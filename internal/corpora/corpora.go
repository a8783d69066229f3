// Package corpora finds the corpora the project did not write — spec test
// suites, conformance vectors, benchmark programs — which live beside the
// checkout in ../shared/corpora/<name>/, each with a README of its origin
// and license, and are never copied into the repository. DEEPSYS_CORPORA
// overrides the location. Tests reach a corpus through testenv.Corpus,
// which skips (or fails under CI) when it is missing; commands such as
// `deepsys tour` use Dir and report the error.
package corpora

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Env names the variable that points at the corpora directory.
const Env = "DEEPSYS_CORPORA"

// Dir returns the directory of the named corpus: $DEEPSYS_CORPORA/name,
// else ../shared/corpora/name beside the module root.
func Dir(name string) (string, error) {
	root := os.Getenv(Env)
	if root == "" {
		mod, err := ModuleRoot()
		if err != nil {
			return "", fmt.Errorf("corpus %q: %w (set %s)", name, err, Env)
		}
		root = filepath.Join(mod, "..", "shared", "corpora")
	}
	dir := filepath.Join(root, name)
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("corpus %q not found (set %s or place it at %s): %w", name, Env, dir, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("corpus %q: %s is not a directory", name, dir)
	}
	return dir, nil
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
