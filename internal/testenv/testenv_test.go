package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/corpora"
)

// helperEnv selects which helper test body runs in the child process.
const helperEnv = "DEEPSYS_TESTENV_HELPER"

// TestHelperProcess is not a real test: it is the child that the tests below
// run with a chosen environment, and it does nothing unless asked to.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "missing-tool":
		RequireTool(t, "no-such-tool")
		t.Log("reached past RequireTool")
	case "missing-corpus":
		Corpus(t, "no-such-corpus")
	case "missing-cpu-feature":
		RequireCPUFeature(t, "no-such-cpu-flag")
	}
}

// runHelper runs TestHelperProcess in a child with env added and returns its
// verbose output and whether it exited 0.
func runHelper(t *testing.T, which string, env ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
	cmd.Env = append(cleanEnv(), helperEnv+"="+which)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running helper: %v", err)
		}
	}
	return string(out), err == nil
}

// cleanEnv is the environment without the variables that force failures.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, RequireAllEnv+"=") || strings.HasPrefix(kv, "CI=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func TestMissingToolSkipsByDefault(t *testing.T) {
	out, ok := runHelper(t, "missing-tool")
	if !ok || !strings.Contains(out, "--- SKIP: TestHelperProcess") || !strings.Contains(out, `needs "no-such-tool"`) {
		t.Fatalf("want a skip naming the tool, got ok=%v:\n%s", ok, out)
	}
}

func TestMissingToolFailsUnderCI(t *testing.T) {
	for _, env := range []string{"CI=true", RequireAllEnv + "=1"} {
		out, ok := runHelper(t, "missing-tool", env)
		if ok || !strings.Contains(out, "--- FAIL: TestHelperProcess") {
			t.Errorf("with %s: want the test to FAIL, got ok=%v:\n%s", env, ok, out)
		}
		if strings.Contains(out, "reached past RequireTool") {
			t.Errorf("with %s: the test went on after the failed requirement", env)
		}
	}
}

func TestMissingCorpusFailsUnderRequireAll(t *testing.T) {
	out, ok := runHelper(t, "missing-corpus", RequireAllEnv+"=1", CorporaEnv+"="+t.TempDir())
	if ok || !strings.Contains(out, `corpus "no-such-corpus" not found`) {
		t.Fatalf("want a failure naming the corpus, got ok=%v:\n%s", ok, out)
	}
}

func TestCPUFeatureSkipsEvenUnderRequireAll(t *testing.T) {
	out, ok := runHelper(t, "missing-cpu-feature", RequireAllEnv+"=1")
	if !ok || !strings.Contains(out, "--- SKIP") || !strings.Contains(out, "lacks by design") {
		t.Fatalf("want a logged skip, got ok=%v:\n%s", ok, out)
	}
}

func TestCorpusFromEnv(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(root+"/vectors", 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(CorporaEnv, root)
	if got := Corpus(t, "vectors"); got != root+"/vectors" {
		t.Fatalf("Corpus = %q, want %q", got, root+"/vectors")
	}
}

func TestCorpusBesideModule(t *testing.T) {
	t.Setenv(CorporaEnv, "")
	dir, err := corpora.Dir("ketama-vectors")
	if err != nil {
		missing(t, err.Error())
	}
	if _, err := os.Stat(dir + "/README.md"); err != nil {
		t.Fatalf("corpus at %s has no README.md: %v", dir, err)
	}
}

// TestProbesOnThisMachine runs every probe; on the project's machines all
// pass, elsewhere they skip with their reasons (or fail under CI).
func TestProbesOnThisMachine(t *testing.T) {
	for name, require := range map[string]func(testing.TB){
		"root": RequireRoot, "kvm": RequireKVM, "bpf": RequireBPF,
		"netns": RequireNetNS, "cgroups": RequireCgroups,
	} {
		t.Run(name, func(t *testing.T) { require(t) })
	}
}

func TestRequireToolFindsSh(t *testing.T) {
	if p := RequireTool(t, "sh"); !strings.HasSuffix(p, "/sh") {
		t.Fatalf("RequireTool(sh) = %q", p)
	}
}
