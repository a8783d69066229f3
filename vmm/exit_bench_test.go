package vmm

import (
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/kvm"
	"golang.org/x/sys/unix"
)

type nullDevice struct{}

func (nullDevice) Read(off uint64, data []byte) error  { return nil }
func (nullDevice) Write(off uint64, data []byte) error { return nil }

const benchPort, benchMMIO = 0x510, DevicesMMIOStart

// exitLoopGuest is a guest that makes n accesses with access, in ring 3
// or in ring 0, then writes the debug-exit port.
func exitLoopGuest(b *testing.B, n int, ring3 bool, access func(a *amd64.Assembler)) []byte {
	var a amd64.Assembler
	user, loop := a.NewLabel(), a.NewLabel()
	if ring3 {
		emitToRing3Label(&a, user)
	}
	a.Bind(user)
	a.MovRI(amd64.W64, amd64.RCX, int64(n))
	a.MovRI(amd64.W32, amd64.RDX, benchPort)
	a.MovRI(amd64.W64, amd64.RSI, benchMMIO)
	a.Bind(loop)
	access(&a)
	a.ALURI(amd64.Sub, amd64.W64, amd64.RCX, 1)
	a.Jcc(amd64.NE, loop)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	code, err := a.Finish()
	if err != nil {
		b.Fatal(err)
	}
	return code
}

// benchExits times b.N guest accesses, each a round trip through KVM_RUN
// (and the Go exit loop, unless an ioeventfd answers it in the kernel),
// from ring 0 and from ring 3. On our PVM machines the two differ: ring-0
// code already runs in KVM's emulator, ring-3 code natively, so its exits
// add a switch into the hypervisor (measured: ring 0 8-10 µs a PIO exit,
// ring 3 about 30 µs).
func benchExits(b *testing.B, access func(a *amd64.Assembler), setup func(vm *VM)) {
	for _, ring3 := range []bool{false, true} {
		name := "ring0"
		if ring3 {
			name = "ring3"
		}
		b.Run(name, func(b *testing.B) { benchExitsIn(b, ring3, access, setup) })
	}
}

func benchExitsIn(b *testing.B, ring3 bool, access func(a *amd64.Assembler), setup func(vm *VM)) {
	testenv.RequireKVM(b)
	vm, err := New(Config{MemSize: 2 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer vm.Close()
	if err := vm.PIO.Insert(benchPort, 1, "null", nullDevice{}); err != nil {
		b.Fatal(err)
	}
	if err := vm.MMIO.Insert(benchMMIO, 8, "null", nullDevice{}); err != nil {
		b.Fatal(err)
	}
	if setup != nil {
		setup(vm)
	}
	if _, err := vm.Mem.WriteAt(exitLoopGuest(b, b.N, ring3, access), HimemStart); err != nil {
		b.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := vm.Run(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPIOExit: OUT to a port a Go device handles.
func BenchmarkPIOExit(b *testing.B) {
	benchExits(b, func(a *amd64.Assembler) { a.Data(outDXAL...) }, nil)
}

// BenchmarkMMIOExit: a 4-byte store to a Go device's window.
func BenchmarkMMIOExit(b *testing.B) {
	benchExits(b, func(a *amd64.Assembler) {
		a.MovMR(amd64.W32, amd64.Mem{Base: amd64.RSI}, amd64.RAX)
	}, nil)
}

// BenchmarkIOEventFD: the same OUT, answered in the kernel by an
// ioeventfd (no exit to Go).
func BenchmarkIOEventFD(b *testing.B) {
	benchExits(b, func(a *amd64.Assembler) { a.Data(outDXAL...) }, func(vm *VM) {
		efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { unix.Close(efd) })
		if err := vm.KVM().IOEventFD(efd, benchPort, 1, kvm.IOEventFDPIO, 0); err != nil {
			b.Fatal(err)
		}
	})
}
