package notify

import (
	"encoding/binary"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"golang.org/x/sys/unix"
)

// run evaluates prog on a struct seccomp_data with nr and arch, in
// syscalls/seccomp's interpreter of classic BPF.
func run(t *testing.T, prog []unix.SockFilter, nr int, arch uint32) uint32 {
	t.Helper()
	f := &seccomp.Filter{Insns: prog}
	if err := f.Validate(); err != nil {
		t.Fatalf("the kernel would refuse the filter: %v", err)
	}
	return f.Run(seccomp.SeccompData{Nr: int32(nr), Arch: arch})
}

func TestNotifyFilterDecides(t *testing.T) {
	nrs, err := Numbers([]string{"openat", "getppid", "connect"})
	if err != nil {
		t.Fatal(err)
	}
	prog, err := NotifyFilter(nrs)
	if err != nil {
		t.Fatal(err)
	}
	notified := map[int]bool{257: true, 110: true, 42: true}
	for nr := range 460 {
		want := uint32(unix.SECCOMP_RET_ALLOW)
		if notified[nr] {
			want = unix.SECCOMP_RET_USER_NOTIF
		}
		if got := run(t, prog, nr, unix.AUDIT_ARCH_X86_64); got != want {
			t.Errorf("nr %d: %#x, want %#x", nr, got, want)
		}
	}
	if got := run(t, prog, 257|x32Bit, unix.AUDIT_ARCH_X86_64); got != unix.SECCOMP_RET_KILL_PROCESS {
		t.Errorf("x32 openat: %#x, want KILL_PROCESS", got)
	}
	if got := run(t, prog, 5, unix.AUDIT_ARCH_I386); got != unix.SECCOMP_RET_KILL_PROCESS {
		t.Errorf("i386 call: %#x, want KILL_PROCESS", got)
	}
}

func TestBadSyscallNamesAreNamed(t *testing.T) {
	_, err := Numbers([]string{"openat", "no_such_call"})
	if err == nil || !strings.Contains(err.Error(), `"no_such_call"`) {
		t.Fatalf("error %v, want it to name no_such_call", err)
	}
	if _, err := NotifyFilter(nil); err == nil {
		t.Error("empty set accepted")
	}
	if _, err := NotifyFilter([]int{-1}); err == nil {
		t.Error("negative number accepted")
	}
	cont := func(*Notification) Response { return Continue() }
	if _, err := Start(nil, []string{"nope"}, cont, nil); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Start with an unknown syscall: %v", err)
	}
}

func TestFilterEncodingRoundTrips(t *testing.T) {
	prog, _ := NotifyFilter([]int{0, 1, 2})
	back, err := DecodeFilter(EncodeFilter(prog))
	if err != nil || len(back) != len(prog) {
		t.Fatalf("%v, %d instructions", err, len(back))
	}
	for i := range prog {
		if back[i] != prog[i] {
			t.Errorf("insn %d: %+v, want %+v", i, back[i], prog[i])
		}
	}
}

func FuzzDecodeFilter(f *testing.F) {
	prog, _ := NotifyFilter([]int{257})
	f.Add(EncodeFilter(prog))
	f.Add("")
	f.Add("zz")
	f.Add("0600000000007f")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeFilter(s)
		if err == nil && EncodeFilter(p) != strings.ToLower(s) {
			t.Fatalf("%q decoded but re-encodes differently", s)
		}
	})
}

func FuzzParseNotif(f *testing.F) {
	b := make([]byte, notifLen)
	binary.LittleEndian.PutUint64(b, 0x1234)
	binary.LittleEndian.PutUint32(b[16:], 257)
	f.Add(b)
	f.Add([]byte{})
	f.Add(make([]byte, notifLen-1))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseNotif(b)
		if (err == nil) != (len(b) >= notifLen) {
			t.Fatalf("%d bytes: err %v", len(b), err)
		}
		if err == nil && n.Name() == "" {
			t.Fatal("empty name")
		}
	})
}

// FuzzReadString reads "strings" at hostile addresses of this very process:
// errors, never a crash.
func FuzzReadString(f *testing.F) {
	f.Add(uint64(0), 16)
	f.Add(uint64(1), 4096)
	f.Add(uint64(0xffffffffff600000), 64)
	f.Add(^uint64(0), 10)
	f.Add(uint64(0x7fffffffe000), MaxPath)
	f.Fuzz(func(t *testing.T, addr uint64, limit int) {
		if limit < 0 || limit > 1<<16 {
			limit = 16
		}
		got, err := readString(os.Getpid(), addr, limit)
		if err == nil && len(got) > limit {
			t.Fatalf("read %d bytes, limit %d", len(got), limit)
		}
	})
}

func TestReadStringOwnMemory(t *testing.T) {
	s := []byte("/etc/hostname\x00trailing")
	addr := uint64(uintptr(unsafe.Pointer(&s[0])))
	got, err := readString(os.Getpid(), addr, MaxPath)
	if err != nil || got != "/etc/hostname" {
		t.Fatalf("%q, %v", got, err)
	}
	if _, err := readString(os.Getpid(), addr, 5); err == nil {
		t.Error("a string over the limit was accepted")
	}
	runtime.KeepAlive(s)
}

func TestNotificationNames(t *testing.T) {
	n := &Notification{Nr: 257, Arch: unix.AUDIT_ARCH_X86_64}
	if n.Name() != "openat" {
		t.Errorf("x86-64 257 = %q", n.Name())
	}
	n.Arch = unix.AUDIT_ARCH_I386
	if n.Name() != "syscall_257(arch 0x40000003)" {
		t.Errorf("i386 257 = %q", n.Name())
	}
}
