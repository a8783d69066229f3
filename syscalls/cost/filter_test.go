package cost

import (
	"testing"

	"golang.org/x/sys/unix"
)

// eval interprets the classic BPF the filters here emit over a syscall
// number (the instruction pointer reads as an arbitrary value).
func eval(t *testing.T, prog []unix.SockFilter, nr int) uint32 {
	t.Helper()
	var a uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			a = map[uint32]uint32{offNr: uint32(nr), offIP: 0x401000}[in.K]
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			if a == in.K {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_RET | unix.BPF_K:
			return in.K
		default:
			t.Fatalf("pc %d: code %#x", pc, in.Code)
		}
	}
	t.Fatal("fell off the end")
	return 0
}

func TestFiltersDecide(t *testing.T) {
	chain, err := LinearChain(100, 1000, getppidNr)
	if err != nil {
		t.Fatal(err)
	}
	eperm := uint32(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	for _, p := range [][]unix.SockFilter{chain, Uncacheable(chain)} {
		for nr := range 1200 {
			want := uint32(unix.SECCOMP_RET_ALLOW)
			if nr >= 1000 && nr < 1100 {
				want = eperm
			}
			if got := eval(t, p, nr); got != want {
				t.Fatalf("nr %d: %#x, want %#x", nr, got, want)
			}
		}
	}
	skip, _ := LinearChain(3, getppidNr-1, getppidNr) // rules 109, 111, 112
	for nr, want := range map[int]uint32{109: eperm, 110: unix.SECCOMP_RET_ALLOW, 111: eperm, 112: eperm, 113: unix.SECCOMP_RET_ALLOW} {
		if got := eval(t, skip, nr); got != want {
			t.Errorf("chain skipping getppid, nr %d: %#x, want %#x", nr, got, want)
		}
	}
	if eval(t, TraceOne(getppidNr), getppidNr) != unix.SECCOMP_RET_TRACE || eval(t, TraceOne(getppidNr), 0) != unix.SECCOMP_RET_ALLOW {
		t.Error("TraceOne traces the wrong syscalls")
	}
	if eval(t, AllowOne(), 0) != unix.SECCOMP_RET_ALLOW {
		t.Error("AllowOne does not allow")
	}
}
