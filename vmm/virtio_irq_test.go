package vmm

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/blk"
)

// TestVirtioBlkInterrupt: the used-buffer interrupt of a virtio-mmio
// device reaches the guest through its irqfd. The ring-0 guest
// (newInterruptVM: in-kernel 8259 PIC at vectors 0x20-0x27, interrupts
// on) also unmasks IRQ 5 — slot 0's GSI, VirtioIRQBase — whose vector 0x25
// gets the same handler as 0x24; it runs the driver's request for sector
// 0 and halts. Completing the request raises InterruptStatus bit 0 and
// writes the irqfd; KVM injects IRQ 5 and the handler's debug exit ends
// the run. The sector is in the guest's buffer, read with no polling.
func TestVirtioBlkInterrupt(t *testing.T) {
	const vector = 0x20 + VirtioIRQBase
	want := []byte("sector 0 of " + rand.Text() + "\n")
	path := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(path, append(want, make([]byte, 4*blk.SectorSize)...), 0o600); err != nil {
		t.Fatal(err)
	}
	disk, err := blk.Open(path, blk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	var dev *VirtioMMIO
	vm := newInterruptVM(t, func(a *amd64.Assembler) {
		a.MovRI(amd64.W32, amd64.RDX, 0x21) // OCW1: unmask IRQ 4 and IRQ 5
		a.MovRI(amd64.W32, amd64.RAX, 0xcf)
		a.Data(outDXAL...)
		g := &driverAsm{a: a}
		g.emitVirtioRequest(virtio.IDBlock, blkReadChain)
		cont, fail := a.NewLabel(), a.NewLabel()
		a.Jmp(cont)
		g.emitFailures(fail)
		a.Bind(fail)
		a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
		a.Data(outDXAL...)
		a.Bind(cont)
	}, func(vm *VM) {
		var err error
		if dev, err = vm.AddVirtioMMIO(0, disk, VirtioConfig{Interrupt: true}); err != nil {
			t.Fatal(err)
		}
	})
	if dev.GSI != VirtioIRQBase {
		t.Fatalf("slot 0 on GSI %d, want %d", dev.GSI, VirtioIRQBase)
	}
	gate, err := vm.Mem.Slice(irqIDT+16*irqVector, 16)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Mem.WriteAt(gate, irqIDT+16*vector); err != nil {
		t.Fatal(err)
	}
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if !stops[0].Exited || stops[0].Code != irqVector {
		t.Errorf("stop %+v, want the interrupt handler's debug exit %#x", stops[0], irqVector)
	}
	got, _ := vm.Mem.Slice(vqData, uint64(len(want)))
	if !bytes.Equal(got, want) {
		t.Errorf("guest buffer holds %q, want the disk's %q", got, want)
	}
	var isr [4]byte
	if err := dev.Transport.Read(virtio.RegInterruptStatus, isr[:]); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint32(isr[:]); v != virtio.IntUsedBuffer {
		t.Errorf("InterruptStatus %#x, want %#x (used buffer)", v, virtio.IntUsedBuffer)
	}
	noRefusals(t, dev)
}
