package vmm

import (
	"encoding/binary"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/vmm/kvm"
	"golang.org/x/sys/unix"
)

// TestIOEventFDDoorbell: a port registered with KVM_IOEVENTFD is a
// doorbell the kernel answers by signalling an eventfd, with no exit to
// the VMM. The ring-3 guest rings it three times, then exits; the eventfd
// counts 3 and the VMM saw only the debug-exit write.
func TestIOEventFDDoorbell(t *testing.T) {
	const doorbell = 0x510
	var a amd64.Assembler
	user := a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	a.MovRI(amd64.W32, amd64.RDX, doorbell)
	for range 3 {
		a.Data(outDXAL...)
	}
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	vm, _ := newTestVM(t, finish(t, &a))
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	if err := vm.KVM().IOEventFD(efd, doorbell, 1, kvm.IOEventFDPIO, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := runWithin(t, vm, runLimit); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := unix.Read(efd, buf); err != nil {
		t.Fatalf("eventfd not signalled: %v", err)
	}
	if n := binary.LittleEndian.Uint64(buf); n != 3 {
		t.Errorf("eventfd counted %d doorbells, want 3", n)
	}
	if st := vm.ExitStats(); len(st) != 1 || st[0].Reason != kvm.ExitIO || st[0].Count != 1 {
		t.Errorf("exits %+v, want only the debug-exit write", st)
	}
}
