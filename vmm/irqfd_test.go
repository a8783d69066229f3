package vmm

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/devices/serial"
	"golang.org/x/sys/unix"
)

// TestIRQFDInterrupt: an interrupt travels from an eventfd to a guest's
// handler without passing through the VMM. The guest (ring 0) programs the
// in-kernel 8259 PIC (vectors 0x20-0x27, only IRQ 4 unmasked), loads an IDT
// whose vector 0x24 handler writes its vector to the debug-exit port, sets
// a ready flag, enables interrupts and halts (KVM parks the vCPU in the
// kernel). The test then writes the eventfd bound to GSI 4 with KVM_IRQFD.
func TestIRQFDInterrupt(t *testing.T) {
	testenv.RequireKVM(t)
	vm := newInterruptVM(t, nil)
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	if err := vm.KVM().IRQFD(efd, 4); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var stops []Stop
	go func() {
		var err error
		stops, err = vm.Run()
		done <- err
	}()
	defer vm.Stop()
	waitFor(t, "the guest to enable interrupts", func() bool {
		b := []byte{0}
		vm.Mem.ReadAt(b, irqReady)
		return b[0] == 1
	})
	select { // nothing else wakes it: the halted guest waits for us
	case err := <-done:
		t.Fatalf("guest stopped before the interrupt was sent: %+v, %v", stops, err)
	case <-time.After(100 * time.Millisecond):
	}
	buf := make([]byte, 8)
	binary.LittleEndian.PutUint64(buf, 1)
	if _, err := unix.Write(efd, buf); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the guest never took the interrupt")
	}
	if !stops[0].Exited || stops[0].Code != irqVector {
		t.Errorf("stop %+v, want debug exit with vector %#x", stops[0], irqVector)
	}
}

const (
	irqIDT    = HimemStart + 0x4000
	irqReady  = HimemStart + 0x3000
	irqVector = 0x24 // IRQ 4 (COM1's line) on a PIC based at 0x20
)

// newInterruptVM makes a VM with the in-kernel irqchip whose ring-0 guest
// programs the 8259 PIC (vectors 0x20-0x27, only IRQ 4 unmasked), loads an
// IDT whose vector 0x24 handler writes the vector to the debug-exit port,
// runs setup (if any), sets irqReady, enables interrupts and halts in a
// loop. attach, if not nil, adds devices before the code is loaded.
func newInterruptVM(t *testing.T, setup func(a *amd64.Assembler), attach ...func(vm *VM)) *VM {
	t.Helper()
	testenv.RequireKVM(t)
	vm, err := New(Config{MemSize: 2 << 20, IRQChip: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close() })
	for _, f := range attach {
		f(vm)
	}
	var a amd64.Assembler
	handler, idtr := a.NewLabel(), a.NewLabel()
	for _, w := range [][2]int64{{0x20, 0x11}, {0x21, 0x20}, {0x21, 0x04}, {0x21, 0x01}, {0x21, 0xef}} {
		a.MovRI(amd64.W32, amd64.RDX, w[0]) // ICW1-ICW4, then the mask (OCW1)
		a.MovRI(amd64.W32, amd64.RAX, w[1])
		a.Data(outDXAL...)
	}
	a.Data(0x0f, 0x01, 0x1d) // lidt [rip+idtr]
	idtrFixup := a.Len()
	a.Data(0, 0, 0, 0)
	a.MovRI(amd64.W32, amd64.RCX, irqReady)
	a.MovMI(amd64.W8, amd64.Mem{Base: amd64.RCX}, 1)
	a.Data(0xfb) // sti
	if setup != nil {
		setup(&a)
	}
	spin := a.NewLabel()
	a.Bind(spin)
	a.Data(hlt...)
	a.Jmp(spin)
	a.Bind(handler)
	a.MovRI(amd64.W32, amd64.RAX, irqVector)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	a.Bind(idtr)
	a.Data(make([]byte, 10)...)
	code := finish(t, &a)
	hOff, _ := a.Offset(handler)
	iOff, _ := a.Offset(idtr)
	binary.LittleEndian.PutUint32(code[idtrFixup:], uint32(iOff-(idtrFixup+4)))
	binary.LittleEndian.PutUint16(code[iOff:], 16*256-1)
	binary.LittleEndian.PutUint64(code[iOff+2:], irqIDT)
	if _, err := vm.Mem.WriteAt(code, HimemStart); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Mem.WriteAt(interruptGate(HimemStart+uint64(hOff)), irqIDT+16*irqVector); err != nil {
		t.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		t.Fatal(err)
	}
	return vm
}

// TestUARTInterrupt: the whole interrupt path of a device. The guest
// enables the UART's THR-empty interrupt (IER bit 1); the UART model
// raises its output, IRQLine turns the edge into an irqfd write, KVM
// injects IRQ 4 through the in-kernel PIC, and the guest's handler runs.
func TestUARTInterrupt(t *testing.T) {
	out := &syncBuffer{}
	vm := newInterruptVM(t, func(a *amd64.Assembler) {
		a.MovRI(amd64.W32, amd64.RDX, COM1+serial.IER)
		a.MovRI(amd64.W32, amd64.RAX, 0x02)
		a.Data(outDXAL...)
	}, func(vm *VM) {
		irq, err := vm.IRQLine(4)
		if err != nil {
			t.Fatal(err)
		}
		if err := vm.PIO.Insert(COM1, serial.NumRegs, "com1", serial.New(out, irq)); err != nil {
			t.Fatal(err)
		}
	})
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if !stops[0].Exited || stops[0].Code != irqVector {
		t.Errorf("stop %+v, want the vector %#x handler's debug exit", stops[0], irqVector)
	}
}

// runLimit bounds every test guest's run: a guest that should stop and
// does not fails its test instead of hanging the suite.
const runLimit = 20 * time.Second

// runWithin runs vm and fails the test if it does not stop within d.
func runWithin(t *testing.T, vm *VM, d time.Duration, onTimeout ...func()) ([]Stop, error) {
	t.Helper()
	type result struct {
		stops []Stop
		err   error
	}
	done := make(chan result, 1)
	go func() {
		s, err := vm.Run()
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.stops, r.err
	case <-time.After(d):
		vm.Stop()
		<-done
		for _, f := range onTimeout {
			f()
		}
		t.Fatalf("the VM did not stop within %v", d)
		return nil, nil
	}
}

// interruptGate is a 64-bit IDT interrupt gate to handler in the ring-0
// code segment (SDM Vol. 3A, "64-Bit Mode IDT").
func interruptGate(handler uint64) []byte {
	g := make([]byte, 16)
	binary.LittleEndian.PutUint16(g[0:], uint16(handler))
	binary.LittleEndian.PutUint16(g[2:], SelKernelCode)
	g[5] = 0x8e // present, DPL 0, 64-bit interrupt gate
	binary.LittleEndian.PutUint16(g[6:], uint16(handler>>16))
	binary.LittleEndian.PutUint32(g[8:], uint32(handler>>32))
	return g
}
