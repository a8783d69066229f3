package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestSyscallsNotify: `deepsys syscalls notify --deny` makes cat fail on
// the denied file, logs its openat, and lets cat of another file through.
func TestSyscallsNotify(t *testing.T) {
	testenv.RequireRoot(t)
	cat := testenv.RequireTool(t, "cat")
	dir := t.TempDir()
	ok, no := filepath.Join(dir, "ok"), filepath.Join(dir, "no")
	os.WriteFile(ok, []byte("fine\n"), 0o644)
	os.WriteFile(no, []byte("hidden\n"), 0o644)
	code, out, errs := runCLI(t, "syscalls", "notify", "--deny", no, "--", cat, ok)
	if code != 0 || out != "fine\n" || !strings.Contains(errs, `openat("`+ok+`") -> continue`) {
		t.Fatalf("allowed cat: exit %d, out %q, log:\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "syscalls", "notify", "-e", "openat", "--deny", no, "--errno", "eperm", "--", cat, no)
	if code != 1 || out != "" || !strings.Contains(errs, `openat("`+no+`") -> deny EPERM`) ||
		!strings.Contains(errs, "Operation not permitted") {
		t.Fatalf("denied cat: exit %d, out %q, log:\n%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "syscalls", "notify", "--errno", "EWHAT", "--", cat, ok); code != 2 {
		t.Errorf("bad errno: exit %d, %s", code, errs)
	}
	if code, _, errs := runCLI(t, "syscalls", "notify", "-e", "no_such_call", "--", cat, ok); code != 1 ||
		!strings.Contains(errs, "no_such_call") {
		t.Errorf("bad syscall: exit %d, %s", code, errs)
	}
}
