package vmm

import (
	"encoding/binary"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
)

// TestCPUIDPerVCPU: two vCPUs run the same code, which asks CPUID leaf 1
// for the initial APIC ID (EBX[31:24]) and the hypervisor bit (ECX[31]),
// once in ring 0 and once in ring 3, and stores EBX and ECX in a slot
// chosen by its stack (each vCPU has its own). vCPU 0 then waits for
// vCPU 1 and exits.
//
// In ring 0 each vCPU must see its own index, as shapeCPUID set it. Ring 3
// is only logged: on our PVM machines CPUID in guest user mode is not
// intercepted, so it answers with the L1 host's values, the APIC ID of
// whichever physical CPU the vCPU thread is on (seen: both vCPUs reading
// APIC ID 1, or the two IDs swapped).
func TestCPUIDPerVCPU(t *testing.T) {
	testenv.RequireKVM(t)
	const slots = HimemStart + 0x3000 // 32 bytes per vCPU: ring-0 EBX, ECX, ring-3 EBX, ECX, done
	vm, err := New(Config{MemSize: 2 << 20, CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	var a amd64.Assembler
	user, wait, spin := a.NewLabel(), a.NewLabel(), a.NewLabel()
	// RDI = slots + 32 * id, id from the stack: BootStack for vCPU 0,
	// BootStack - 0x800 for vCPU 1.
	a.MovRR(amd64.W64, amd64.RDI, amd64.RSP)
	a.ShiftRI(amd64.Shr, amd64.W32, amd64.RDI, 11)
	a.ALURI(amd64.Xor, amd64.W32, amd64.RDI, BootStack>>11)
	a.ShiftRI(amd64.Shl, amd64.W32, amd64.RDI, 5)
	a.ALURI(amd64.Add, amd64.W32, amd64.RDI, slots)
	emitCPUID(&a, 0)
	emitToRing3Label(&a, user)
	a.Bind(user)
	emitCPUID(&a, 8)
	a.MovMI(amd64.W8, amd64.Mem{Base: amd64.RDI, Disp: 16}, 1)
	a.ALURI(amd64.Cmp, amd64.W32, amd64.RDI, slots)
	a.Jcc(amd64.NE, spin)
	a.Bind(wait)
	a.MovzxRM(amd64.W8, amd64.RAX, amd64.Mem{Base: amd64.RDI, Disp: 32 + 16})
	a.TestRR(amd64.W32, amd64.RAX, amd64.RAX)
	a.Jcc(amd64.E, wait)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	a.Bind(spin)
	a.Jmp(spin)
	if _, err := vm.Mem.WriteAt(finish(t, &a), HimemStart); err != nil {
		t.Fatal(err)
	}
	for id := range 2 {
		if err := vm.SetupLongMode(id, HimemStart, BootStack-uint64(id)*0x800); err != nil {
			t.Fatal(err)
		}
	}
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if !stops[0].Exited {
		t.Errorf("stops %+v", stops)
	}
	got := make([]byte, 64)
	if _, err := vm.Mem.ReadAt(got, slots); err != nil {
		t.Fatal(err)
	}
	for id := range 2 {
		s := got[32*id:]
		ebx, ecx := binary.LittleEndian.Uint32(s), binary.LittleEndian.Uint32(s[4:])
		if ebx>>24 != uint32(id) || ecx>>31 != 1 {
			t.Errorf("vCPU %d in ring 0: CPUID.1 EBX %#x ECX %#x, want APIC ID %d and the hypervisor bit", id, ebx, ecx, id)
		}
		t.Logf("vCPU %d in ring 3: CPUID.1 EBX %#x (APIC ID %d)", id, binary.LittleEndian.Uint32(s[8:]),
			binary.LittleEndian.Uint32(s[8:])>>24)
	}
}

// emitCPUID runs CPUID leaf 1 and stores EBX and ECX at [RDI+off].
func emitCPUID(a *amd64.Assembler, off int32) {
	a.MovRI(amd64.W32, amd64.RAX, 1)
	a.Data(0x0f, 0xa2) // cpuid
	a.MovMR(amd64.W32, amd64.Mem{Base: amd64.RDI, Disp: off}, amd64.RBX)
	a.MovMR(amd64.W32, amd64.Mem{Base: amd64.RDI, Disp: off + 4}, amd64.RCX)
}
