package vmm

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/devices/serial"
	"github.com/deepsys/deepsys/vmm/kvm"
)

// Instructions internal/amd64 does not encode, as inline bytes (Intel SDM
// Vol. 2: OUT DX, AL is EE; IN AL, DX is EC; HLT is F4; IRETQ is REX.W CF;
// MOV r/m16, Sreg is 8C /r).
var (
	outDXAL   = []byte{0xee}
	inALDX    = []byte{0xec}
	hlt       = []byte{0xf4}
	iretq     = []byte{0x48, 0xcf}
	movEAXfCS = []byte{0x8c, 0xc8}
)

// syncBuffer is a bytes.Buffer safe for the vCPU threads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestVM makes a 2 MiB VM with a UART at COM1, loads code at HimemStart
// and points vCPU 0 at it in long mode.
func newTestVM(t *testing.T, code []byte) (*VM, *syncBuffer) {
	t.Helper()
	testenv.RequireKVM(t)
	vm, err := New(Config{MemSize: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close() })
	out := &syncBuffer{}
	if err := vm.PIO.Insert(COM1, serial.NumRegs, "com1", newUART(out)); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Mem.WriteAt(code, HimemStart); err != nil {
		t.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		t.Fatal(err)
	}
	return vm, out
}

// emitPuts assembles a UART driver loop: for each byte of the NUL-ended
// string at RSI, wait for LSR.THRE, then write THR. Clobbers RAX, RDX, RSI.
func emitPuts(a *amd64.Assembler) {
	loop, wait, done := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Bind(loop)
	a.Bind(wait)
	a.MovRI(amd64.W32, amd64.RDX, COM1+serial.LSR)
	a.Data(inALDX...)
	a.TestRI(amd64.W8, amd64.RAX, 0x20) // THRE
	a.Jcc(amd64.E, wait)
	a.MovzxRM(amd64.W8, amd64.RAX, amd64.Mem{Base: amd64.RSI})
	a.TestRR(amd64.W8, amd64.RAX, amd64.RAX)
	a.Jcc(amd64.E, done)
	a.MovRI(amd64.W32, amd64.RDX, COM1+serial.THR)
	a.Data(outDXAL...)
	a.ALURI(amd64.Add, amd64.W64, amd64.RSI, 1)
	a.Jmp(loop)
	a.Bind(done)
}

// emitToRing3Label builds an IRETQ frame (SS, RSP, RFLAGS with IOPL 0,
// CS, RIP) and drops to ring 3 at label l.
func emitToRing3Label(a *amd64.Assembler, l amd64.Label) {
	pushFrame(a)
	a.Lea(amd64.W64, amd64.RAX, amd64.RIPLabel(l))
	a.Push(amd64.RAX)
	a.Data(iretq...)
}

// ring3SwitchLen is the length of emitToRing3's code.
var ring3SwitchLen = func() uint64 {
	var a amd64.Assembler
	emitToRing3(&a, HimemStart)
	return uint64(a.Len())
}()

// emitToRing3 drops to ring 3 at absolute address rip.
func emitToRing3(a *amd64.Assembler, rip uint64) {
	pushFrame(a)
	a.MovRI(amd64.W64, amd64.RAX, int64(rip))
	a.Push(amd64.RAX)
	a.Data(iretq...)
}

func pushFrame(a *amd64.Assembler) {
	for _, v := range []int64{SelUserData, HimemStart + 0x10000, 0x2, SelUserCode} { // SS, RSP, RFLAGS, CS
		a.MovRI(amd64.W64, amd64.RAX, v)
		a.Push(amd64.RAX)
	}
}

func newUART(out *syncBuffer) *serial.UART { return serial.New(out, nil) }

func finish(t *testing.T, a *amd64.Assembler) []byte {
	t.Helper()
	code, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestHelloGuest: a 64-bit ring-0 guest prints "hello\n" through the 8250
// at 0x3f8, polling LSR, and halts.
func TestHelloGuest(t *testing.T) {
	var a amd64.Assembler
	msg := a.NewLabel()
	a.Lea(amd64.W64, amd64.RSI, amd64.RIPLabel(msg))
	emitPuts(&a)
	a.Data(hlt...)
	a.Bind(msg)
	a.Data([]byte("hello\n\x00")...)
	vm, out := newTestVM(t, finish(t, &a))
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "hello\n" {
		t.Errorf("guest printed %q, want %q", got, "hello\n")
	}
	if !stops[0].Halted {
		t.Errorf("stop %+v, want halted", stops[0])
	}
	// An LSR read before each of the 7 bytes (NUL included), a THR write
	// for each of the 6 printed; then the HLT.
	stats := vm.ExitStats()
	if len(stats) != 2 || stats[0].Reason != kvm.ExitIO || stats[0].Count != 13 ||
		stats[1].Reason != kvm.ExitHLT || stats[1].Count != 1 {
		t.Errorf("exit stats %+v, want 13 IO and 1 HLT", stats)
	}
	var table strings.Builder
	if err := WriteExitStats(&table, stats); err != nil {
		t.Fatal(err)
	}
	t.Logf("exits:\n%s", table.String())
}

// TestUnmappedMMIO: a store to the MMIO gap, where no device is, stops the
// vCPU with an error naming the address and showing the registers.
func TestUnmappedMMIO(t *testing.T) {
	var a amd64.Assembler
	a.MovRI(amd64.W64, amd64.RAX, MMIOGapStart+0x1000)
	a.MovMI(amd64.W32, amd64.Mem{Base: amd64.RAX}, 0x1234)
	a.Data(hlt...)
	vm, _ := newTestVM(t, finish(t, &a))
	_, err := runWithin(t, vm, runLimit)
	var ve *VCPUError
	if !errors.As(err, &ve) {
		t.Fatalf("Run = %v, want a VCPUError", err)
	}
	if ve.Exit != kvm.ExitMMIO || !errors.Is(err, ErrUnmapped) {
		t.Errorf("exit %v, error %v", ve.Exit, err)
	}
	msg := err.Error()
	for _, want := range []string{"4-byte access at 0xd0001000", "no device", "rip=0x10000", "rax=0xd0001000"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	t.Logf("the VMM reported:\n%s", msg)
}

// TestUserModeGuest: ring 0 builds an IRETQ frame into ring 3 (IOPL 0:
// the boot TSS's I/O bitmap is what lets ring 3 use ports); the ring-3
// code, run natively by the CPU here, prints through the UART, reads its
// CPL from CS and writes it to the debug-exit port.
func TestUserModeGuest(t *testing.T) {
	var a amd64.Assembler
	user, msg := a.NewLabel(), a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	a.Lea(amd64.W64, amd64.RSI, amd64.RIPLabel(msg))
	emitPuts(&a)
	a.Data(movEAXfCS...)
	a.ALURI(amd64.And, amd64.W32, amd64.RAX, 3)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	a.Data(hlt...) // not reached; at ring 3 it would fault
	a.Bind(msg)
	a.Data([]byte("from ring 3\n\x00")...)
	vm, out := newTestVM(t, finish(t, &a))
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "from ring 3\n" {
		t.Errorf("guest printed %q", got)
	}
	if !stops[0].Exited || stops[0].Code != 3 {
		t.Errorf("stop %+v, want debug exit with CPL 3", stops[0])
	}
}
