package systab

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestNumbersAgreeWithXSys checks the generated numbers against
// golang.org/x/sys/unix, which has its own generator and source.
func TestNumbersAgreeWithXSys(t *testing.T) {
	for name, want := range map[string]int{
		"read": unix.SYS_READ, "openat": unix.SYS_OPENAT, "execve": unix.SYS_EXECVE,
		"clone3": unix.SYS_CLONE3, "seccomp": unix.SYS_SECCOMP, "pidfd_getfd": unix.SYS_PIDFD_GETFD,
		"exit_group": unix.SYS_EXIT_GROUP, "newfstatat": unix.SYS_NEWFSTATAT, "io_uring_setup": unix.SYS_IO_URING_SETUP,
		// newer.txt's, newer than the headers
		"uretprobe": unix.SYS_URETPROBE, "cachestat": unix.SYS_CACHESTAT, "fchmodat2": unix.SYS_FCHMODAT2,
		"map_shadow_stack": unix.SYS_MAP_SHADOW_STACK, "futex_wake": unix.SYS_FUTEX_WAKE,
		"futex_wait": unix.SYS_FUTEX_WAIT, "futex_requeue": unix.SYS_FUTEX_REQUEUE, "statmount": unix.SYS_STATMOUNT,
		"listmount": unix.SYS_LISTMOUNT, "lsm_get_self_attr": unix.SYS_LSM_GET_SELF_ATTR,
		"lsm_set_self_attr": unix.SYS_LSM_SET_SELF_ATTR, "lsm_list_modules": unix.SYS_LSM_LIST_MODULES,
		"mseal": unix.SYS_MSEAL, "setxattrat": unix.SYS_SETXATTRAT, "getxattrat": unix.SYS_GETXATTRAT,
		"listxattrat": unix.SYS_LISTXATTRAT, "removexattrat": unix.SYS_REMOVEXATTRAT,
		"open_tree_attr": unix.SYS_OPEN_TREE_ATTR, "file_getattr": unix.SYS_FILE_GETATTR,
		"file_setattr": unix.SYS_FILE_SETATTR, "listns": unix.SYS_LISTNS,
	} {
		got, ok := Number(name)
		if !ok || got != want {
			t.Errorf("Number(%q) = %d, %v; x/sys/unix says %d", name, got, ok, want)
		}
		if Name(want) != name {
			t.Errorf("Name(%d) = %q, want %q", want, Name(want), name)
		}
	}
	if Name(100000) != "syscall_100000" || Name(-1) != "syscall_-1" {
		t.Errorf("unknown numbers: %q %q", Name(100000), Name(-1))
	}
}

// TestErrnoNamesAgreeWithXSys checks every errno x/sys/unix names.
func TestErrnoNamesAgreeWithXSys(t *testing.T) {
	aliases := map[string]bool{"EWOULDBLOCK": true, "EDEADLOCK": true, "ENOTSUP": true, "EFSCORRUPTED": true}
	for e := 1; e < 134; e++ {
		want := unix.ErrnoName(unix.Errno(e))
		if want == "" || aliases[want] {
			continue
		}
		if got := ErrnoName(e); got != want {
			t.Errorf("ErrnoName(%d) = %q, want %q", e, got, want)
		}
	}
	if ErrnoName(512) != "ERESTARTSYS" {
		t.Errorf("ErrnoName(512) = %q", ErrnoName(512))
	}
	if n, ok := ErrnoNumber("EPERM"); !ok || n != 1 {
		t.Errorf("ErrnoNumber(EPERM) = %d, %v", n, ok)
	}
}

// TestGeneratedIsCurrent reruns the generator on this machine's headers and
// wants the committed table back, byte for byte.
func TestGeneratedIsCurrent(t *testing.T) {
	if _, err := os.Stat("/usr/include/asm-generic/errno.h"); err != nil {
		t.Skip("no kernel headers (linux-libc-dev) on this machine")
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command("go", "run", "./gen", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("table_amd64.go")
	if string(got) != string(want) {
		t.Fatal("table_amd64.go differs from what gen writes from this machine's headers: run go generate ./syscalls/systab")
	}
}

func TestDecodedSignatures(t *testing.T) {
	s, ok := Lookup(unix.SYS_OPENAT)
	if !ok || !s.Decoded || len(s.Args) != 4 || s.Args[2].Type != "openflags" || s.Ret != "fd" {
		t.Fatalf("openat: %+v", s)
	}
	for _, s := range table {
		if len(s.Args) > MaxArgs {
			t.Errorf("%s: %d arguments", s.Name, len(s.Args))
		}
	}
	if len(Names()) < 350 || Max() < 400 {
		t.Errorf("%d names, max %d", len(Names()), Max())
	}
}
