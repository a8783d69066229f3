package policy

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Load parses every package directory under root (the module root),
// skipping testdata, hidden and underscore directories.
func Load(root string) ([]Package, error) {
	var pkgs []Package
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		p, ok, err := loadDir(root, path)
		if ok {
			pkgs = append(pkgs, p)
		}
		return err
	})
	return pkgs, err
}

func skipDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// loadDir reads the non-test Go files of one directory; ok is false when it
// has none.
func loadDir(root, dir string) (Package, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Package{}, false, err
	}
	rel, _ := filepath.Rel(root, dir)
	p := Package{Dir: filepath.ToSlash(rel)}
	imports := map[string]bool{}
	fset := token.NewFileSet()
	found := false
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return p, false, fmt.Errorf("policy: %w", err)
		}
		found = true
		p.Name = f.Name.Name
		p.HasComment = p.HasComment || (f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "")
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			imports[path] = true
		}
	}
	for imp := range imports {
		p.Imports = append(p.Imports, imp)
	}
	sort.Strings(p.Imports)
	return p, found, nil
}
