package trace

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/deepsys/deepsys/syscalls/systab"
	"golang.org/x/sys/unix"
)

// runFilter runs prog on struct seccomp_data {nr, arch} in
// syscalls/seccomp's interpreter, after the kernel's checks.
func runFilter(t *testing.T, prog []unix.SockFilter, nr int, arch uint32) uint32 {
	t.Helper()
	f := &seccomp.Filter{Insns: prog}
	if err := f.Validate(); err != nil {
		t.Fatalf("the kernel would refuse the filter: %v", err)
	}
	return f.Run(seccomp.SeccompData{Nr: int32(nr), Arch: arch})
}

// x32SyscallBit marks a call of the x32 ABI (__X32_SYSCALL_BIT).
const x32SyscallBit = 0x40000000

// TestFilterTrapsExactlyTheSet: for sets of 0, 2 and every syscall, each
// number in the table gets TRACE iff it is in the set; x32 numbers and
// other architectures are allowed.
func TestFilterTrapsExactlyTheSet(t *testing.T) {
	all, err := ParseSet("all")
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range [][]int{nil, {unix.SYS_OPENAT, unix.SYS_CLOSE}, all} {
		prog, err := Filter(set)
		if err != nil {
			t.Fatal(err)
		}
		in := map[int]bool{}
		for _, nr := range set {
			in[nr] = true
		}
		for nr := 0; nr <= systab.Max()+1; nr++ {
			want := uint32(unix.SECCOMP_RET_ALLOW)
			if in[nr] {
				want = unix.SECCOMP_RET_TRACE
			}
			if got := runFilter(t, prog, nr, unix.AUDIT_ARCH_X86_64); got != want {
				t.Fatalf("set of %d: nr %d gives %#x, want %#x", len(set), nr, got, want)
			}
		}
		if got := runFilter(t, prog, unix.SYS_OPENAT|x32SyscallBit, unix.AUDIT_ARCH_X86_64); got != unix.SECCOMP_RET_ALLOW {
			t.Errorf("x32 openat gives %#x", got)
		}
		if got := runFilter(t, prog, unix.SYS_OPENAT, unix.AUDIT_ARCH_I386); got != unix.SECCOMP_RET_ALLOW {
			t.Errorf("i386 gives %#x", got)
		}
	}
}

func TestParseSet(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string // names that must be in
		not  []string // names that must not
		err  string
	}{
		{expr: "trace=openat,close", want: []string{"openat", "close"}, not: []string{"read"}},
		{expr: "openat", want: []string{"openat"}, not: []string{"close"}},
		{expr: "trace=%file", want: []string{"openat", "execve", "stat"}, not: []string{"read", "close"}},
		{expr: "trace=%net,%process", want: []string{"socket", "clone", "wait4"}, not: []string{"read"}},
		{expr: "trace=!openat", want: []string{"read", "close"}, not: []string{"openat"}},
		{expr: "trace=nosuchcall", err: `unknown syscall "nosuchcall"`},
		{expr: "trace=%bogus", err: `unknown syscall class "%bogus"`},
		{expr: "trace=openat,", err: "empty syscall name"},
		{expr: "signal=SIGCHLD", err: "only the trace= qualifier"},
	} {
		set, err := ParseSet(c.expr)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one containing %q", c.expr, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		has := map[string]bool{}
		for _, nr := range set {
			has[systab.Name(nr)] = true
		}
		for _, n := range c.want {
			if !has[n] {
				t.Errorf("%q lacks %s", c.expr, n)
			}
		}
		for _, n := range c.not {
			if has[n] {
				t.Errorf("%q has %s", c.expr, n)
			}
		}
	}
}

// FuzzParseSet: any expression gives a set of known syscalls or an
// error, never a panic.
func FuzzParseSet(f *testing.F) {
	for _, s := range []string{"trace=openat,close", "%file", "!%desc", "all", "trace=", "a=b", "trace=!,", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		set, err := ParseSet(expr)
		if err != nil {
			return
		}
		for _, nr := range set {
			if _, ok := systab.Lookup(nr); !ok {
				t.Fatalf("%q gives unknown syscall %d", expr, nr)
			}
		}
	})
}
