package vmm

import (
	"slices"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
)

// TestDirtyPages: KVM's dirty log reports the pages a ring-3 guest wrote,
// not one it only read, and starts afresh after each read.
func TestDirtyPages(t *testing.T) {
	testenv.RequireKVM(t)
	written := []uint64{HimemStart + 0x20000, HimemStart + 0x21000, HimemStart + 0x30000}
	const readOnly = HimemStart + 0x40000
	vm, err := New(Config{MemSize: 2 << 20, DirtyLog: true})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	var a amd64.Assembler
	user := a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	for _, p := range written {
		a.MovRI(amd64.W32, amd64.RCX, int64(p+8))
		a.MovMI(amd64.W32, amd64.Mem{Base: amd64.RCX}, 0x1234)
	}
	a.MovRI(amd64.W32, amd64.RCX, readOnly)
	a.MovRM(amd64.W32, amd64.RAX, amd64.Mem{Base: amd64.RCX})
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	if _, err := vm.Mem.WriteAt(finish(t, &a), HimemStart); err != nil {
		t.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.DirtyPages(); err != nil { // a round starts here
		t.Fatal(err)
	}
	if _, err := runWithin(t, vm, runLimit); err != nil {
		t.Fatal(err)
	}
	dirty, err := vm.DirtyPages()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range written {
		if !slices.Contains(dirty, p) {
			t.Errorf("page %#x written by the guest is not in the dirty log %#x", p, dirty)
		}
	}
	if slices.Contains(dirty, readOnly) {
		t.Errorf("page %#x only read is in the dirty log %#x", readOnly, dirty)
	}
	// Also dirty, seen here: the ring-0 stack page, the page tables (their
	// accessed/dirty bits) and the code page at HimemStart.
	t.Logf("dirty pages: %#x", dirty)
	if again, err := vm.DirtyPages(); err != nil || len(again) != 0 {
		t.Errorf("second read of the log: %#x, %v; want empty", again, err)
	}
}
