package vmm

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/devices/serial"
)

// TestConsoleEcho: input fed to the UART (as a console on stdin would be)
// reaches a ring-3 guest that polls LSR.DR, reads RBR, and writes the
// byte back upper-cased through THR.
func TestConsoleEcho(t *testing.T) {
	testenv.RequireKVM(t)
	const input, want = "helloconsole", "HELLOCONSOLE"
	var a amd64.Assembler
	user, next, wait := a.NewLabel(), a.NewLabel(), a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	a.MovRI(amd64.W32, amd64.RCX, int64(len(input)))
	a.Bind(next)
	a.Bind(wait)
	a.MovRI(amd64.W32, amd64.RDX, COM1+serial.LSR)
	a.Data(inALDX...)
	a.TestRI(amd64.W8, amd64.RAX, 0x01) // DR
	a.Jcc(amd64.E, wait)
	a.MovRI(amd64.W32, amd64.RDX, COM1+serial.RBR)
	a.Data(inALDX...)
	a.ALURI(amd64.And, amd64.W8, amd64.RAX, ^0x20) // clear bit 5: upper case for letters
	a.Data(outDXAL...)
	a.ALURI(amd64.Sub, amd64.W32, amd64.RCX, 1)
	a.Jcc(amd64.NE, next)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	vm, err := New(Config{MemSize: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	out := &syncBuffer{}
	uart := serial.New(out, nil)
	defer uart.Close()
	if err := vm.PIO.Insert(COM1, serial.NumRegs, "com1", uart); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Mem.WriteAt(finish(t, &a), HimemStart); err != nil {
		t.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		t.Fatal(err)
	}
	go uart.Feed(strings.NewReader(input))
	if _, err := runWithin(t, vm, runLimit); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("guest echoed %q, want %q", out.String(), want)
	}
}
