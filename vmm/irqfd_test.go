package vmm

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
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
	const (
		idt    = HimemStart + 0x4000
		ready  = HimemStart + 0x3000
		vector = 0x24
	)
	vm, err := New(Config{MemSize: 2 << 20, IRQChip: true})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
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
	a.MovRI(amd64.W32, amd64.RCX, ready)
	a.MovMI(amd64.W8, amd64.Mem{Base: amd64.RCX}, 1)
	a.Data(0xfb) // sti
	spin := a.NewLabel()
	a.Bind(spin)
	a.Data(hlt...)
	a.Jmp(spin)
	a.Bind(handler)
	a.MovRI(amd64.W32, amd64.RAX, vector)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	a.Bind(idtr)
	a.Data(make([]byte, 10)...)
	code := finish(t, &a)
	hOff, _ := a.Offset(handler)
	iOff, _ := a.Offset(idtr)
	binary.LittleEndian.PutUint32(code[idtrFixup:], uint32(iOff-(idtrFixup+4)))
	binary.LittleEndian.PutUint16(code[iOff:], 16*256-1)
	binary.LittleEndian.PutUint64(code[iOff+2:], idt)
	if _, err := vm.Mem.WriteAt(code, HimemStart); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Mem.WriteAt(interruptGate(HimemStart+uint64(hOff)), idt+16*vector); err != nil {
		t.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		t.Fatal(err)
	}
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
		vm.Mem.ReadAt(b, ready)
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
	if !stops[0].Exited || stops[0].Code != vector {
		t.Errorf("stop %+v, want debug exit with vector %#x", stops[0], vector)
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
