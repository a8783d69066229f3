package vmm

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/blk"
)

// snapGo is the flag the snapshot guest waits on between its requests.
const snapGo = HimemStart + 0x26000

// twoReadsGuest reads sector 0 and prints it (as virtioDriverGuest), waits
// at ring 3 until the byte at snapGo is set, then reads sector 1 through
// the same queue — the second entry of the available ring, head 0 again —
// prints it and exits with 0 (or exitIOError).
func twoReadsGuest(t *testing.T) []byte {
	var a amd64.Assembler
	user := a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	g := &driverAsm{a: &a}
	done := a.NewLabel()
	g.emitVirtioRequest(virtio.IDBlock, blkReadChain)
	g.emitWaitAndPrint(1)
	wait := a.NewLabel()
	a.Bind(wait)
	a.MovzxRM(amd64.W8, amd64.RAX, g.ram(snapGo))
	a.TestRR(amd64.W32, amd64.RAX, amd64.RAX)
	a.Jcc(amd64.E, wait)
	a.MovMI(amd64.W64, g.ram(vqHdr+8), 1) // sector 1
	a.MovMI(amd64.W8, g.ram(vqStatus), -1)
	a.MovMI(amd64.W16, g.ram(vqAvail+6), 0) // avail.ring[1] = head 0
	a.MovMI(amd64.W16, g.ram(vqAvail+2), 2)
	a.MovMI(amd64.W32, g.reg(virtio.RegQueueNotify), 0)
	g.emitWaitAndPrint(2)
	a.MovRI(amd64.W32, amd64.RAX, 0)
	a.Jmp(done)
	g.emitFailures(done)
	a.Bind(done)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	return finish(t, &a)
}

// emitWaitAndPrint polls until used.idx is idx, checks the virtio-blk
// status byte and prints the data buffer's string.
func (g *driverAsm) emitWaitAndPrint(idx int32) {
	a := g.a
	poll := a.NewLabel()
	a.Bind(poll)
	a.MovzxRM(amd64.W16, amd64.RAX, g.ram(vqUsed+2))
	a.ALURI(amd64.Cmp, amd64.W32, amd64.RAX, idx)
	a.Jcc(amd64.NE, poll)
	a.MovzxRM(amd64.W8, amd64.RAX, g.ram(vqStatus))
	a.TestRR(amd64.W32, amd64.RAX, amd64.RAX)
	g.failIf(amd64.NE, exitIOError)
	a.MovRI(amd64.W32, amd64.RSI, vqData)
	emitPuts(a)
}

// TestVirtioBlkSnapshot: a guest that has read sector 0 through virtio-blk
// is paused and snapshotted with its device's transport state
// (virtio.MMIO.SaveState: status, features, queue addresses and ring
// positions); a second VM with a fresh device over a copy of the disk is
// restored from both, and the guest's second request — the next entry of
// the same available ring — is served there: it prints sector 1.
func TestVirtioBlkSnapshot(t *testing.T) {
	sector0 := "sector 0 of " + rand.Text() + "\n"
	sector1 := "sector 1 of " + rand.Text() + "\n"
	img := make([]byte, 8*blk.SectorSize)
	copy(img, sector0)
	copy(img[blk.SectorSize:], sector1)
	code := twoReadsGuest(t)
	newVM := func() (*VM, *syncBuffer, *VirtioMMIO) {
		path := filepath.Join(t.TempDir(), "disk.img")
		if err := os.WriteFile(path, img, 0o600); err != nil {
			t.Fatal(err)
		}
		disk, err := blk.Open(path, blk.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { disk.Close() })
		vm, out := newTestVM(t, code)
		dev, err := vm.AddVirtioMMIO(0, disk, VirtioConfig{})
		if err != nil {
			t.Fatal(err)
		}
		return vm, out, dev
	}
	vm1, out1, dev1 := newVM()
	wait1 := runAsync(vm1)
	waitFor(t, "the first VM to print sector 0", func() bool { return out1.String() == sector0 })
	vm1.Pause()
	snap, err := vm1.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	state := dev1.Transport.SaveState()
	if err := wait1(); err != nil {
		t.Fatal(err)
	}
	vm2, out2, dev2 := newVM()
	if err := vm2.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if err := dev2.Transport.RestoreState(state); err != nil {
		t.Fatal(err)
	}
	if _, err := vm2.Mem.WriteAt([]byte{1}, snapGo); err != nil {
		t.Fatal(err)
	}
	runToPrint(t, vm2, out2, sector1)
	noRefusals(t, dev2)
}
