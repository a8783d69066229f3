package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

const seccompPolicy = "../../syscalls/seccomp/testdata/deny-mkdir.json"

// TestSyscallsSeccompCompile: compile writes struct sock_filter bytes and
// prints the disassembly; a bad policy's error names the entry; unknown
// names are warnings.
func TestSyscallsSeccompCompile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "prog.bpf")
	code, stdout, stderr := runCLI(t, "syscalls", "seccomp", "compile", seccompPolicy, "-o", out, "--disasm")
	if code != 0 || !strings.Contains(stdout, "ret ERRNO(38)") || !strings.Contains(stderr, "binary search dispatch") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() == 0 || st.Size()%8 != 0 {
		t.Fatalf("prog.bpf: %v", err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALOW"}]}`), 0o644)
	if code, _, stderr := runCLI(t, "syscalls", "seccomp", "compile", bad); code != 1 || !strings.Contains(stderr, `syscalls[0].action "SCMP_ACT_ALOW"`) {
		t.Errorf("bad policy: exit %d, %s", code, stderr)
	}
	warn := filepath.Join(dir, "warn.json")
	os.WriteFile(warn, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["opne"],"action":"SCMP_ACT_KILL"}]}`), 0o644)
	if code, _, stderr := runCLI(t, "syscalls", "seccomp", "compile", warn); code != 0 || !strings.Contains(stderr, `warning: `) {
		t.Errorf("unknown name: exit %d, %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "syscalls", "seccomp", "compile", "--strict", warn); code != 1 {
		t.Errorf("--strict with an unknown name: exit %d", code)
	}
}

// TestSyscallsSeccompRun: run's command gets the policy's errno, its exit
// status becomes deepsys's, and a KILL_PROCESS shows as 128+SIGSYS.
func TestSyscallsSeccompRun(t *testing.T) {
	sh := testenv.RequireTool(t, "sh")
	dir := t.TempDir()
	code, stdout, _ := runCLI(t, "syscalls", "seccomp", "run", seccompPolicy, "--", sh, "-c", "mkdir "+dir+"/x 2>&1; exit 7")
	if code != 7 || !strings.Contains(stdout, "Operation not permitted") {
		t.Errorf("mkdir under the policy: exit %d, %q", code, stdout)
	}
	kill := filepath.Join(dir, "kill.json")
	os.WriteFile(kill, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_KILL_PROCESS"}]}`), 0o644)
	code, _, stderr := runCLI(t, "syscalls", "seccomp", "run", kill, "--", sh, "-c", "echo $PPID")
	if code != 128+31 || !strings.Contains(stderr, "SIGSYS") {
		t.Errorf("getppid under KILL_PROCESS: exit %d, %q", code, stderr)
	}
}
