package tinyguest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm"
	"github.com/deepsys/deepsys/vmm/kvm"
)

const limit = 20 * time.Second

// TestHello: the ring-0 guest prints its message through the UART and
// halts; the exit table counts its port accesses.
func TestHello(t *testing.T) {
	testenv.RequireKVM(t)
	code, err := Hello("hello\n")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Run(code, &out, limit)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello\n" || !res.Stop.Halted {
		t.Fatalf("printed %q, stop %+v: want \"hello\\n\", halted", out.String(), res.Stop)
	}
	// Each of the six bytes is an LSR read and a THR write; the NUL ends
	// the loop after one more LSR read: 7 INs and 6 OUTs.
	if io := exitCount(res.Exits, kvm.ExitIO); io != 13 {
		t.Errorf("%d KVM_EXIT_IO, want 13 (7 LSR reads, 6 THR writes)", io)
	}
}

// TestRing3: the guest prints from CPL 3 and finishes through the debug
// exit port (HLT would fault there).
func TestRing3(t *testing.T) {
	testenv.RequireKVM(t)
	code, err := Ring3("from ring 3\n")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Run(code, &out, limit)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "from ring 3\n" || !res.Stop.Exited || res.Stop.Code != 0 {
		t.Fatalf("printed %q, stop %+v: want \"from ring 3\\n\", exited with 0", out.String(), res.Stop)
	}
}

// TestExitLoop: n OUTs to a port nobody claims are n+1 KVM_EXIT_IO with
// the final debug-exit write.
func TestExitLoop(t *testing.T) {
	testenv.RequireKVM(t)
	code, err := ExitLoop(100, PIO, 0x510, vmm.DevicesMMIOStart)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(code, &bytes.Buffer{}, limit)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stop.Exited {
		t.Fatalf("stop %+v, want exited", res.Stop)
	}
	if io := exitCount(res.Exits, kvm.ExitIO); io != 101 {
		t.Errorf("%d KVM_EXIT_IO, want 101", io)
	}
}

// TestExitLoopRing3: the same loop from CPL 3 traps the same number of
// times.
func TestExitLoopRing3(t *testing.T) {
	testenv.RequireKVM(t)
	code, err := ExitLoopRing3(100, PIO, 0x510, vmm.DevicesMMIOStart)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(code, &bytes.Buffer{}, limit)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stop.Exited || res.Stop.Code != 0 {
		t.Fatalf("stop %+v, want exited with 0", res.Stop)
	}
	if io := exitCount(res.Exits, kvm.ExitIO); io != 101 {
		t.Errorf("%d KVM_EXIT_IO, want 101", io)
	}
}

// TestBadGuestInput: messages that cannot be printed and empty loops are
// refused with the reason.
func TestBadGuestInput(t *testing.T) {
	if _, err := Hello("a\x00b"); err == nil || !strings.Contains(err.Error(), "NUL byte at 1") {
		t.Errorf("NUL in message: %v", err)
	}
	if _, err := Hello(strings.Repeat("x", maxMessage+1)); err == nil {
		t.Error("an over-long message was accepted")
	}
	if _, err := ExitLoop(0, PIO, 0, 0); err == nil {
		t.Error("a loop of 0 accesses was accepted")
	}
	if _, err := ExitLoop(1, Access(7), 0, 0); err == nil {
		t.Error("an unknown access kind was accepted")
	}
}

// FuzzPuts: any message assembles or is refused, never a panic; an
// accepted one is in the code verbatim.
func FuzzPuts(f *testing.F) {
	f.Add("hello\n", false)
	f.Add("", true)
	f.Add("\x00", false)
	f.Fuzz(func(t *testing.T, msg string, ring3 bool) {
		code, err := puts(msg, ring3)
		if err == nil && !bytes.Contains(code, append([]byte(msg), 0)) {
			t.Fatalf("message %q not in the code", msg)
		}
	})
}

func exitCount(stats []vmm.ExitStat, r kvm.ExitReason) uint64 {
	for _, s := range stats {
		if s.Reason == r {
			return s.Count
		}
	}
	return 0
}
