// Package policy turns the repository's structural rules into checks that
// tests run, in the style of the Go standard library's go/build/deps_test.go:
// a rule that lives only in a document is forgotten; a rule that fails a
// test is kept.
//
// The rules (docs/ARCHITECTURE.md explains why):
//
//  1. Dependencies flow one way: cmd -> systems -> internal. A package's
//     layer is its first path element under the module: "cmd", "internal",
//     or a system folder (anything else).
//  2. Nothing in internal/ imports a system or cmd: shared machinery knows
//     no system.
//  3. No system imports cmd, and no system imports another system except
//     along an edge of AllowedEdges, each with its reason.
//  4. Every package has a package comment that says what it is.
//
// Only non-test files count for rules 1-3 (as in deps_test.go): a test may
// use a peer system as a fixture. Load parses the tree with go/parser, so a
// check needs neither the go command nor a build.
package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Package is what the checks need to know of one package directory.
type Package struct {
	Dir        string   // module-relative directory, e.g. "hashring/memcache"
	Name       string   // package name
	Imports    []string // import paths of its non-test files
	HasComment bool     // some non-test file has a package comment
}

// Edge is an allowed import of one system by another.
type Edge struct{ From, To string }

// Layer names the layer of a module-relative directory: "cmd",
// "internal", or the system folder it belongs to.
func Layer(dir string) string {
	first, _, _ := strings.Cut(dir, "/")
	return first
}

// CheckImports applies rules 1-3 to pkgs of module and returns one message
// per violation, sorted.
func CheckImports(module string, pkgs []Package, allowed map[Edge]string) []string {
	var bad []string
	for _, p := range pkgs {
		from := Layer(p.Dir)
		for _, imp := range p.Imports {
			rel, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue // standard library or a third-party module
			}
			if msg := checkEdge(from, Layer(rel), allowed); msg != "" {
				bad = append(bad, fmt.Sprintf("%s imports %s: %s", p.Dir, rel, msg))
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// checkEdge judges one import from layer from to layer to.
func checkEdge(from, to string, allowed map[Edge]string) string {
	switch {
	case from == "cmd" || from == to:
		return ""
	case to == "cmd":
		return "nothing imports cmd"
	case from == "internal":
		return "internal/ must not import a system (shared machinery knows no system)"
	case to == "internal":
		return ""
	}
	if _, ok := allowed[Edge{from, to}]; ok {
		return ""
	}
	return fmt.Sprintf("system %s may not import system %s (add the edge with its reason to policy.AllowedEdges and docs/ARCHITECTURE.md)", from, to)
}

// CheckComments applies rule 4.
func CheckComments(pkgs []Package) []string {
	var bad []string
	for _, p := range pkgs {
		if !p.HasComment {
			bad = append(bad, fmt.Sprintf("%s: package %s has no package comment", p.Dir, p.Name))
		}
	}
	sort.Strings(bad)
	return bad
}
