package tinyguest

import (
	"errors"
	"fmt"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/vmm"
	"github.com/deepsys/deepsys/vmm/devices/serial"
)

var (
	outDXAL = []byte{0xee}
	inALDX  = []byte{0xec}
	hlt     = []byte{0xf4}
	iretq   = []byte{0x48, 0xcf}
)

// Ring3Stack is the stack pointer ring-3 guests start with.
const Ring3Stack = vmm.HimemStart + 0x10000

// maxMessage bounds what a guest prints (the guest must fit below its stack).
const maxMessage = 4096

// Hello is a ring-0 guest that prints msg through the UART at vmm.COM1 and
// halts.
func Hello(msg string) ([]byte, error) {
	return puts(msg, false)
}

// Ring3 is a guest that drops to ring 3, prints msg through the UART from
// there and stops the VM through vmm.DebugExitPort with code 0.
func Ring3(msg string) ([]byte, error) {
	return puts(msg, true)
}

func puts(msg string, ring3 bool) ([]byte, error) {
	if len(msg) > maxMessage {
		return nil, fmt.Errorf("tinyguest: message of %d bytes, at most %d", len(msg), maxMessage)
	}
	for i := 0; i < len(msg); i++ {
		if msg[i] == 0 {
			return nil, fmt.Errorf("tinyguest: message has a NUL byte at %d", i)
		}
	}
	var a amd64.Assembler
	user, text := a.NewLabel(), a.NewLabel()
	if ring3 {
		toRing3(&a, user)
	}
	a.Bind(user)
	a.Lea(amd64.W64, amd64.RSI, amd64.RIPLabel(text))
	emitPuts(&a)
	if ring3 {
		debugExit(&a, 0)
	} else {
		a.Data(hlt...)
	}
	a.Bind(text)
	a.Data(append([]byte(msg), 0)...)
	return a.Finish()
}

// emitPuts assembles a UART driver loop: for each byte of the NUL-ended
// string at RSI, wait for LSR.THRE, then write THR. Clobbers RAX, RDX, RSI.
func emitPuts(a *amd64.Assembler) {
	loop, done := a.NewLabel(), a.NewLabel()
	a.Bind(loop)
	a.MovRI(amd64.W32, amd64.RDX, vmm.COM1+serial.LSR)
	a.Data(inALDX...)
	a.TestRI(amd64.W8, amd64.RAX, 0x20) // LSR.THRE
	a.Jcc(amd64.E, loop)
	a.MovzxRM(amd64.W8, amd64.RAX, amd64.Mem{Base: amd64.RSI})
	a.TestRR(amd64.W8, amd64.RAX, amd64.RAX)
	a.Jcc(amd64.E, done)
	a.MovRI(amd64.W32, amd64.RDX, vmm.COM1+serial.THR)
	a.Data(outDXAL...)
	a.ALURI(amd64.Add, amd64.W64, amd64.RSI, 1)
	a.Jmp(loop)
	a.Bind(done)
}

// toRing3 builds an IRETQ frame (SS, RSP, RFLAGS with IOPL 0, CS, RIP)
// and drops to ring 3 at label l.
func toRing3(a *amd64.Assembler, l amd64.Label) {
	for _, v := range []int64{vmm.SelUserData, Ring3Stack, 0x2, vmm.SelUserCode} {
		a.MovRI(amd64.W64, amd64.RAX, v)
		a.Push(amd64.RAX)
	}
	a.Lea(amd64.W64, amd64.RAX, amd64.RIPLabel(l))
	a.Push(amd64.RAX)
	a.Data(iretq...)
}

// debugExit writes code to vmm.DebugExitPort.
func debugExit(a *amd64.Assembler, code uint8) {
	a.MovRI(amd64.W32, amd64.RAX, int64(code))
	a.MovRI(amd64.W32, amd64.RDX, vmm.DebugExitPort)
	a.Data(outDXAL...)
}

// Access is the kind of access ExitLoop repeats.
type Access int

// The accesses ExitLoop can repeat.
const (
	PIO  Access = iota // OUT DX, AL to port DX
	MMIO               // a 4-byte store to the address in RSI
)

// ExitLoop is a ring-0 guest that makes n accesses of kind acc (to port
// port, or to MMIO address addr) and then writes vmm.DebugExitPort with
// code 0.
func ExitLoop(n int, acc Access, port uint16, addr uint64) ([]byte, error) {
	return exitLoop(n, acc, port, addr, false)
}

// ExitLoopRing3 is ExitLoop run at ring 3.
func ExitLoopRing3(n int, acc Access, port uint16, addr uint64) ([]byte, error) {
	return exitLoop(n, acc, port, addr, true)
}

func exitLoop(n int, acc Access, port uint16, addr uint64, ring3 bool) ([]byte, error) {
	if n < 1 {
		return nil, fmt.Errorf("tinyguest: exit loop of %d accesses, want at least 1", n)
	}
	var a amd64.Assembler
	loop, user := a.NewLabel(), a.NewLabel()
	if ring3 {
		toRing3(&a, user)
	}
	a.Bind(user)
	a.MovRI(amd64.W64, amd64.RCX, int64(n))
	a.MovRI(amd64.W32, amd64.RDX, int64(port))
	a.MovRI(amd64.W64, amd64.RSI, int64(addr))
	a.Bind(loop)
	switch acc {
	case PIO:
		a.Data(outDXAL...)
	case MMIO:
		a.MovMR(amd64.W32, amd64.Mem{Base: amd64.RSI}, amd64.RAX)
	default:
		return nil, errors.New("tinyguest: unknown access kind")
	}
	a.ALURI(amd64.Sub, amd64.W64, amd64.RCX, 1)
	a.Jcc(amd64.NE, loop)
	debugExit(&a, 0)
	return a.Finish()
}

// Load writes code at vmm.HimemStart of vm's RAM and points vCPU 0 at it
// in long mode.
func Load(vm *vmm.VM, code []byte) error {
	if _, err := vm.Mem.WriteAt(code, vmm.HimemStart); err != nil {
		return fmt.Errorf("tinyguest: load %d bytes at %#x: %w", len(code), vmm.HimemStart, err)
	}
	return vm.SetupLongMode(0, vmm.HimemStart, 0)
}
