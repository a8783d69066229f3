package seccomp

import (
	"testing"

	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// TestNewerSyscalls: the stopgap numbers agree with golang.org/x/sys/unix,
// and none shadows a name systab already knows.
func TestNewerSyscalls(t *testing.T) {
	xsys := map[string]int{
		"uretprobe": unix.SYS_URETPROBE, "cachestat": unix.SYS_CACHESTAT, "fchmodat2": unix.SYS_FCHMODAT2,
		"map_shadow_stack": unix.SYS_MAP_SHADOW_STACK, "futex_wake": unix.SYS_FUTEX_WAKE,
		"futex_wait": unix.SYS_FUTEX_WAIT, "futex_requeue": unix.SYS_FUTEX_REQUEUE, "statmount": unix.SYS_STATMOUNT,
		"listmount": unix.SYS_LISTMOUNT, "lsm_get_self_attr": unix.SYS_LSM_GET_SELF_ATTR,
		"lsm_set_self_attr": unix.SYS_LSM_SET_SELF_ATTR, "lsm_list_modules": unix.SYS_LSM_LIST_MODULES,
		"mseal": unix.SYS_MSEAL, "setxattrat": unix.SYS_SETXATTRAT, "getxattrat": unix.SYS_GETXATTRAT,
		"listxattrat": unix.SYS_LISTXATTRAT, "removexattrat": unix.SYS_REMOVEXATTRAT,
		"open_tree_attr": unix.SYS_OPEN_TREE_ATTR, "file_getattr": unix.SYS_FILE_GETATTR,
		"file_setattr": unix.SYS_FILE_SETATTR, "listns": unix.SYS_LISTNS,
	}
	if len(xsys) != len(newerSyscalls) {
		t.Errorf("%d newer syscalls, %d checked", len(newerSyscalls), len(xsys))
	}
	for name, nr := range newerSyscalls {
		if xsys[name] != nr {
			t.Errorf("%s: %d here, %d in x/sys/unix", name, nr, xsys[name])
		}
		if _, ok := systab.Number(name); ok {
			t.Errorf("%s is in systab now; drop it from newer.go", name)
		}
	}
}
