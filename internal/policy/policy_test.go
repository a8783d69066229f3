package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

const module = "github.com/deepsys/deepsys"

func loadRepo(t *testing.T) (string, []Package) {
	t.Helper()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 3 {
		t.Fatalf("loaded only %d packages from %s", len(pkgs), root)
	}
	return root, pkgs
}

// TestRepositoryImports is rule 1-3 applied to this repository.
func TestRepositoryImports(t *testing.T) {
	_, pkgs := loadRepo(t)
	for _, v := range CheckImports(module, pkgs, AllowedEdges) {
		t.Error(v)
	}
}

// TestRepositoryComments is rule 4 applied to this repository.
func TestRepositoryComments(t *testing.T) {
	_, pkgs := loadRepo(t)
	for _, v := range CheckComments(pkgs) {
		t.Error(v)
	}
}

// TestAllowedEdgesDocumented keeps AllowedEdges and docs/ARCHITECTURE.md
// in step: each edge appears there as "`from` -> `to`".
func TestAllowedEdgesDocumented(t *testing.T) {
	root, _ := loadRepo(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	for e, reason := range AllowedEdges {
		if strings.TrimSpace(reason) == "" {
			t.Errorf("edge %s -> %s has no reason", e.From, e.To)
		}
		if !strings.Contains(string(doc), "`"+e.From+"` -> `"+e.To+"`") {
			t.Errorf("edge %s -> %s is not in docs/ARCHITECTURE.md", e.From, e.To)
		}
	}
}

// The checkers must catch what they exist to catch.
func TestCheckImportsCatchesViolations(t *testing.T) {
	pkgs := []Package{
		{Dir: "internal/bench", Imports: []string{module + "/hashring"}},               // internal -> system
		{Dir: "vmm/virtio", Imports: []string{module + "/nvme"}},                       // system -> system, not allowed
		{Dir: "nvme", Imports: []string{module + "/cmd/deepsys"}},                      // system -> cmd
		{Dir: "ebpf", Imports: []string{module + "/internal/amd64", "fmt"}},            // fine
		{Dir: "unikernel", Imports: []string{module + "/vmm/kvm"}},                     // allowed below
		{Dir: "cmd/deepsys", Imports: []string{module + "/hashring", module + "/vmm"}}, // fine
		{Dir: "hashring/memcache", Imports: []string{module + "/hashring"}},            // within a system
	}
	allowed := map[Edge]string{{"unikernel", "vmm"}: "boots on our VMM"}
	got := CheckImports(module, pkgs, allowed)
	want := []string{"internal/bench imports hashring", "nvme imports cmd/deepsys", "vmm/virtio imports nvme"}
	if len(got) != len(want) {
		t.Fatalf("violations:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("violation %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

func TestCheckCommentsCatchesMissing(t *testing.T) {
	got := CheckComments([]Package{{Dir: "a", Name: "a", HasComment: true}, {Dir: "b", Name: "b"}})
	if len(got) != 1 || !strings.HasPrefix(got[0], "b: package b has no package comment") {
		t.Fatalf("got %q", got)
	}
}

// TestLoadParsesARealTree writes a small tree with both kinds of violation
// and runs the whole pipeline over it.
func TestLoadParsesARealTree(t *testing.T) {
	root := t.TempDir()
	write := func(path, src string) {
		t.Helper()
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module "+module+"\n")
	write("internal/x/x.go", "// Package x is shared.\npackage x\n\nimport _ \""+module+"/sys\"\n")
	write("sys/sys.go", "package sys\n")
	write("sys/sys_test.go", "package sys\n\nimport _ \""+module+"/other\"\n") // tests don't count
	write("sys/testdata/bad.go", "package bad\n\nimport _ \""+module+"/cmd\"\n")
	pkgs, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if v := CheckImports(module, pkgs, nil); len(v) != 1 || !strings.HasPrefix(v[0], "internal/x imports sys") {
		t.Errorf("imports: %q", v)
	}
	if v := CheckComments(pkgs); len(v) != 1 || !strings.HasPrefix(v[0], "sys:") {
		t.Errorf("comments: %q", v)
	}
}
