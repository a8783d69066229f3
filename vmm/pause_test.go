package vmm

import (
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/amd64"
)

// TestPauseResume: a ring-3 guest counts in memory as fast as the CPU runs
// it. While paused the count does not move; after Resume it does; Stop
// ends Run with the vCPU kicked.
func TestPauseResume(t *testing.T) {
	const counter = HimemStart + 0x3000
	var a amd64.Assembler
	user := a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	a.MovRI(amd64.W32, amd64.RCX, counter)
	loop := a.NewLabel()
	a.Bind(loop)
	a.ALUMI(amd64.Add, amd64.W64, amd64.Mem{Base: amd64.RCX}, 1)
	a.Jmp(loop)
	vm, _ := newTestVM(t, finish(t, &a))
	count := func() uint64 {
		n, err := vm.Mem.Uint64(counter)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	done := make(chan error, 1)
	var stops []Stop
	go func() {
		var err error
		stops, err = vm.Run()
		done <- err
	}()
	defer vm.Stop()
	waitFor(t, "the guest to start counting", func() bool { return count() > 0 })
	vm.Pause()
	c1 := count()
	time.Sleep(50 * time.Millisecond)
	if c2 := count(); c2 != c1 {
		t.Fatalf("paused guest counted from %d to %d", c1, c2)
	}
	vm.Resume()
	waitFor(t, "the resumed guest to count on", func() bool { return count() > c1 })
	vm.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after Stop")
	}
	if !stops[0].Kicked {
		t.Errorf("stop %+v, want kicked", stops[0])
	}
}

// waitFor polls cond for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
