package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/spf13/cobra"
)

// runWith runs the CLI over systems and returns exit code, stdout, stderr.
func runWith(systems []system, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	root := newRootCmd(&out, &errb, systems)
	root.SetArgs(args)
	code := 0
	if err := root.Execute(); err != nil {
		code = 1
		if isUsageError(err) {
			code = 2
		}
		errb.WriteString(err.Error())
	}
	return code, out.String(), errb.String()
}

func TestSystemsJSONListsNineteen(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"systems", "--json"}, &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(got) != 19 {
		t.Fatalf("%d systems, want 19", len(got))
	}
	for i, s := range got {
		if len(s) != 4 || s["number"] != float64(i+1) || s["folder"] == "" || s["title"] == "" {
			t.Errorf("system %d = %v, want keys number, folder, title, status", i+1, s)
		}
		if st := s["status"]; st != "implemented" && st != "not yet" {
			t.Errorf("system %v: status %v", s["folder"], st)
		}
	}
}

// TestCatalogMatchesSystemsMD keeps catalog.go and ../shared/SYSTEMS.md in step.
func TestCatalogMatchesSystemsMD(t *testing.T) {
	b, err := os.ReadFile(testenv.SharedFile(t, "SYSTEMS.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range catalog {
		if !strings.Contains(string(b), "| `"+s.folder+"/` | "+s.title+" |") {
			t.Errorf("system %d %s: folder or title differs from SYSTEMS.md", s.number, s.folder)
		}
	}
}

// fakeSystems is a catalogue with one landed system and one not yet.
func fakeSystems(showcaseErr error) []system {
	cli := &systemCLI{
		verbs: func() []*cobra.Command {
			return []*cobra.Command{{Use: "hello", RunE: func(c *cobra.Command, _ []string) error {
				c.Print("hello from fake\n")
				return nil
			}}}
		},
		showcase: func(context.Context) ([]row, error) {
			return []row{{"widgets", "42"}}, showcaseErr
		},
		bench: func(benchConfig) ([]bench.Workload, error) {
			v := 10.0
			return []bench.Workload{{Name: "op", Metric: "op", Unit: "ns/op", Better: bench.LowerIsBetter,
				Contestants: []bench.Contestant{
					{Name: "deepsys", Run: func() (float64, error) { return v, nil }},
					{Name: "peer", Run: func() (float64, error) { return 2 * v, nil }},
				}}}, nil
		},
	}
	return []system{{1, "fake", "A Fake System", cli}, {2, "later", "Not Yet Landed", nil}}
}

func TestRegisteredSystemIsImplemented(t *testing.T) {
	code, out, _ := runWith(fakeSystems(nil), "systems", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []systemInfo
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got[0].Status != "implemented" || got[1].Status != "not yet" {
		t.Fatalf("statuses %q %q", got[0].Status, got[1].Status)
	}
	if code, out, _ := runWith(fakeSystems(nil), "fake", "hello"); code != 0 || out != "hello from fake\n" {
		t.Fatalf("fake hello: exit %d, %q", code, out)
	}
}

func TestTourRunsShowcases(t *testing.T) {
	code, out, _ := runWith(fakeSystems(nil), "tour", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []tourResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 1 || got[0].System != "fake" || got[0].Status != "ok" || got[0].Rows[0].Value != "42" {
		t.Fatalf("tour = %+v", got)
	}
	code, out, _ = runWith(fakeSystems(nil), "tour")
	if code != 0 || !strings.Contains(out, "not yet") || !strings.Contains(out, "Summary") || !strings.Contains(out, "widgets") {
		t.Fatalf("tour text: exit %d\n%s", code, out)
	}
}

func TestTourFailsWhenAShowcaseFails(t *testing.T) {
	code, out, _ := runWith(fakeSystems(errors.New("broken")), "tour")
	if code != 1 || !strings.Contains(out, "failed") || !strings.Contains(out, "broken") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestSystemBenchWritesJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	code, out, errs := runWith(fakeSystems(nil), "fake", "bench", "--json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "| op | ns/op |") || !strings.Contains(out, "0.50") {
		t.Errorf("table:\n%s", out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		System  string `json:"system"`
		Results []struct {
			Ratio float64 `json:"ratio"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.System != "fake" || doc.Results[0].Ratio != 0.5 {
		t.Fatalf("json %s: %v", b, err)
	}
	if code, _, _ := runWith(fakeSystems(nil), "fake", "bench", "--rounds", "2"); code != 2 {
		t.Fatalf("--rounds 2: exit %d, want usage error 2", code)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"no-such-command"}, {"systems", "--no-such-flag"}, {"systems", "extra"}} {
		if code := run(args, &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"version"}, &out, &bytes.Buffer{}); code != 0 || !strings.HasPrefix(out.String(), "deepsys ") {
		t.Fatalf("exit %d: %q", code, out.String())
	}
}
