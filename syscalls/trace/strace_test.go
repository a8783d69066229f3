package trace

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
)

// runStrace runs argv under `strace -f -qq -o FILE` plus extra flags and
// returns the file's text.
func runStrace(t *testing.T, extra []string, argv ...string) string {
	t.Helper()
	strace := testenv.RequireTool(t, "strace")
	out := filepath.Join(t.TempDir(), "strace.txt")
	args := append(append([]string{"-f", "-qq", "-o", out}, extra...), argv...)
	// The command's output goes to /dev/null, as under runOurs: programs
	// ask whether stdout is a terminal or a pipe and act on the answer.
	if err := exec.Command(strace, args...).Run(); err != nil {
		if _, exit := err.(*exec.ExitError); !exit {
			t.Fatalf("strace %v: %v", args, err)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runOurs runs argv under our tracer with o (Follow and ToFile set, the
// command's stdout and stderr to /dev/null) and returns the trace's text.
func runOurs(t *testing.T, o Options, argv ...string) (string, Result) {
	t.Helper()
	testenv.RequireRoot(t)
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	var b strings.Builder
	o.Follow, o.ToFile, o.Output, o.Stdout, o.Stderr = true, true, &b, devnull, devnull
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Run(ctx, argv, o)
	if err != nil {
		t.Fatalf("trace %v: %v", argv, err)
	}
	return b.String(), res
}

// compareTraces asserts the same threads in the same creation tree, each
// with the same sequence of syscall names and normalised results.
func compareTraces(t *testing.T, ours, theirs string) {
	t.Helper()
	if d := diffTraces(ours, theirs); d != "" {
		t.Errorf("%s\nours:\n%s\nstrace:\n%s", d, ours, theirs)
	}
}

// diffTraces is compareTraces's verdict: "" or the first differences.
func diffTraces(ours, theirs string) string {
	po, err := parseTrace(ours)
	if err != nil {
		return "our trace: " + err.Error()
	}
	ps, err := parseTrace(theirs)
	if err != nil {
		return "strace's trace: " + err.Error()
	}
	if fmt.Sprint(po.order) != fmt.Sprint(ps.order) {
		return fmt.Sprintf("threads: ours %v, strace %v", po.order, ps.order)
	}
	var diffs []string
	for _, l := range ps.order {
		if d := firstDifference(po.threads[l], ps.threads[l]); d != "" {
			diffs = append(diffs, "thread "+l+": "+d)
		}
	}
	return strings.Join(diffs, "\n")
}

func firstDifference(a, b []event) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("call %d: ours %v, strace %v", i, a[i], b[i])
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("ours has %d calls, strace %d", len(a), len(b))
	}
	return ""
}

// TestSameAsStrace runs real programs under strace and under our tracer
// and compares the per-thread syscall sequences, names and results.
func TestSameAsStrace(t *testing.T) {
	for _, argv := range [][]string{
		{"cat", "/etc/passwd"},
		{"ls", "-l", "/"},
		{"sh", "-c", "echo a | cat | wc -c"},
		{"sh", "-c", "sh -c true; true"},
		{"sh", "-c", "ls /nonexistent-deepsys; exit 3"},
	} {
		t.Run(strings.Join(argv, " "), func(t *testing.T) {
			// The file system may change between the two runs (another
			// process's file in /tmp changes what ls -l / writes), so a
			// difference gets two more tries, each running both tracers.
			var d string
			for range 3 {
				ours, _ := runOurs(t, Options{}, argv...)
				theirs := runStrace(t, nil, argv...)
				if d = diffTraces(ours, theirs); d == "" {
					return
				}
			}
			t.Error(d)
		})
	}
}

// TestFilteredSameAsStrace: -e trace=SET, done by our seccomp filter and
// by the tracer alone, shows the same calls as `strace --seccomp-bpf -e`.
func TestFilteredSameAsStrace(t *testing.T) {
	const expr = "trace=openat,close,execve,wait4,clone,clone3,vfork" // the creators place the threads
	set, err := ParseSet(expr)
	if err != nil {
		t.Fatal(err)
	}
	for _, argv := range [][]string{
		{"cat", "/etc/passwd"},
		{"sh", "-c", "cat /etc/passwd | wc -l; ls /nonexistent-deepsys"},
	} {
		theirs := runStrace(t, []string{"--seccomp-bpf", "-e", expr}, argv...)
		for _, noSeccomp := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/noseccomp=%v", strings.Join(argv, " "), noSeccomp), func(t *testing.T) {
				ours, _ := runOurs(t, Options{Trace: set, NoSeccomp: noSeccomp}, argv...)
				for _, line := range strings.Split(strings.TrimSpace(ours), "\n") {
					m := linePrefix.FindStringSubmatch(line)
					if name, _, ok := parseCall(m[3]); ok && !strings.Contains(","+expr[len("trace="):]+",", ","+name+",") {
						t.Errorf("untraced syscall in the output: %s", line)
					}
				}
				compareTraces(t, ours, theirs)
			})
		}
	}
}

// TestSummarySameAsStrace: -c counts the same calls and errors per
// syscall as strace -c (times differ and are not compared).
func TestSummarySameAsStrace(t *testing.T) {
	for _, argv := range [][]string{{"cat", "/etc/passwd"}, {"ls", "-l", "/"}} {
		theirs := parseSummary(t, runStrace(t, []string{"-c"}, argv...))
		_, res := runOurs(t, Options{Summary: true}, argv...)
		ours := map[string][2]int{}
		for _, r := range res.Summary.Rows() {
			ours[r.Name] = [2]int{r.Calls, r.Errors}
		}
		if fmt.Sprint(ours) != fmt.Sprint(theirs) {
			t.Errorf("%v: calls and errors\nours   %v\nstrace %v", argv, ours, theirs)
		}
	}
}

// parseSummary reads strace -c's table: syscall -> calls, errors.
func parseSummary(t *testing.T, text string) map[string][2]int {
	out := map[string][2]int{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || f[0] == "%" || strings.HasPrefix(f[0], "-") || f[len(f)-1] == "total" {
			continue
		}
		var calls, errs int
		fmt.Sscan(f[3], &calls)
		if len(f) == 6 {
			fmt.Sscan(f[4], &errs)
		}
		out[f[len(f)-1]] = [2]int{calls, errs}
	}
	if len(out) == 0 {
		t.Fatalf("no rows in strace -c's output:\n%s", text)
	}
	return out
}

// TestClassesSameAsStrace: each -e trace=%class selects the same calls of
// a shell running ls and id (files, processes, NSS sockets, memory,
// signals, descriptors, credentials) as strace's class does. ls lists a
// directory of the test's own, which nothing changes between the runs.
func TestClassesSameAsStrace(t *testing.T) {
	argv := []string{"sh", "-c", "ls -l " + fixtureDir(t) + " >/dev/null; id >/dev/null"}
	for _, class := range []string{"%file", "%process", "%network", "%memory", "%signal", "%desc", "%creds", "%ipc"} {
		expr := "trace=" + class + ",clone,clone3,vfork" // the creators place the threads
		set, err := ParseSet(expr)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(class, func(t *testing.T) {
			ours, _ := runOurs(t, Options{Trace: set}, argv...)
			compareTraces(t, ours, runStrace(t, []string{"--seccomp-bpf", "-e", expr}, argv...))
		})
	}
}

// fixtureDir is a directory with three files of fixed sizes and times.
func fixtureDir(t *testing.T) string {
	dir := t.TempDir()
	stamp := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, name := range []string{"a", "bb", "ccc"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, 10*i), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
