package vmm

import (
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/testenv"
)

// TestStopKicksSpinningVCPU: two vCPUs on their own threads. vCPU 1 drops
// to ring 3, sets a flag in memory and spins there forever (natively,
// never exiting); vCPU 0 waits for the flag, prints and writes the
// debug-exit port. Stopping the VM must pull vCPU 1
// out of KVM_RUN (immediate_exit and a signal), so Run returns.
func TestStopKicksSpinningVCPU(t *testing.T) {
	testenv.RequireKVM(t)
	vm, err := New(Config{MemSize: 2 << 20, CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	out := &syncBuffer{}
	if err := vm.PIO.Insert(COM1, 8, "com1", newUART(out)); err != nil {
		t.Fatal(err)
	}
	const flag = HimemStart + 0x2000 // vCPU 1 sets it once in ring 3
	var a amd64.Assembler
	msg, wait := a.NewLabel(), a.NewLabel()
	a.MovRI(amd64.W32, amd64.RCX, flag)
	a.Bind(wait)
	a.MovzxRM(amd64.W8, amd64.RAX, amd64.Mem{Base: amd64.RCX})
	a.TestRR(amd64.W32, amd64.RAX, amd64.RAX)
	a.Jcc(amd64.E, wait)
	a.Lea(amd64.W64, amd64.RSI, amd64.RIPLabel(msg))
	emitPuts(&a)
	a.MovRI(amd64.W32, amd64.RAX, 7)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	a.Bind(msg)
	a.Data([]byte("cpu0\n\x00")...)
	spinAt := uint64(HimemStart + 0x1000)
	emitToRing3(&a, spinAt)
	var b amd64.Assembler
	spin := b.NewLabel()
	b.MovRI(amd64.W32, amd64.RCX, flag)
	b.MovMI(amd64.W8, amd64.Mem{Base: amd64.RCX}, 1)
	b.Bind(spin)
	b.Jmp(spin)
	code := finish(t, &a)
	if _, err := vm.Mem.WriteAt(code, HimemStart); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Mem.WriteAt(finish(t, &b), int64(spinAt)); err != nil {
		t.Fatal(err)
	}
	if err := vm.SetupLongMode(0, HimemStart, 0); err != nil {
		t.Fatal(err)
	}
	// vCPU 1 starts at the ring-3 switch after vCPU 0's string.
	if err := vm.SetupLongMode(1, HimemStart+uint64(len(code))-ring3SwitchLen, BootStack-0x1000); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var stops []Stop
	go func() {
		stops, err = vm.Run()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return: the spinning vCPU was not kicked")
	}
	if err != nil {
		t.Fatal(err)
	}
	if !stops[0].Exited || stops[0].Code != 7 || !stops[1].Kicked {
		t.Errorf("stops %+v", stops)
	}
	if out.String() != "cpu0\n" {
		t.Errorf("output %q", out.String())
	}
}
