package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestReadmeTableIsCurrent keeps README.md's system table in step with the
// catalogue: each system's row shows the status `deepsys systems` prints,
// and a landed system has its docs page.
func TestReadmeTableIsCurrent(t *testing.T) {
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range catalog {
		want := fmt.Sprintf("| %d | [`%s/`](docs/%s.md) | %s | %s |", s.number, s.folder, s.folder, s.title, s.status())
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks the row\n%s", want)
		}
		if s.cli == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, "docs", s.folder+".md")); err != nil {
			t.Errorf("%s is implemented but has no docs page: %v", s.folder, err)
		}
	}
}
