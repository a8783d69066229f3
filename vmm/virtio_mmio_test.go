package vmm

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/acpi"
	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/rng"
)

// TestVirtioMMIOSlots: the slots lie in the MMIO gap below the IOAPIC,
// one page apart; a slot outside 0-15 or taken twice is refused.
func TestVirtioMMIOSlots(t *testing.T) {
	last := uint64(VirtioMMIOStart + (VirtioMMIOSlots-1)*VirtioMMIOStride)
	if VirtioMMIOStart < MMIOGapStart || last+virtio.MMIOSize > IOAPICStart || VirtioMMIOStride < virtio.MMIOSize {
		t.Errorf("virtio-mmio slots %#x-%#x do not fit the MMIO gap below the IOAPIC", uint64(VirtioMMIOStart), last)
	}
	testenv.RequireKVM(t)
	vm, err := New(Config{MemSize: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	for _, slot := range []int{-1, VirtioMMIOSlots} {
		if _, err := vm.AddVirtioMMIO(slot, rng.New(bytes.NewReader(nil)), VirtioConfig{}); err == nil {
			t.Errorf("slot %d accepted", slot)
		}
	}
	d, err := vm.AddVirtioMMIO(3, rng.New(bytes.NewReader(nil)), VirtioConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (acpi.VirtioMMIO{Base: VirtioMMIOStart + 3*VirtioMMIOStride, Size: virtio.MMIOSize, GSI: VirtioIRQBase + 3}); d.ACPI() != want {
		t.Errorf("slot 3 described as %+v, want %+v", d.ACPI(), want)
	}
	if _, err := acpi.DSDT([]acpi.VirtioMMIO{d.ACPI()}); err != nil {
		t.Errorf("DSDT for slot 3: %v", err)
	}
	if _, err := vm.AddVirtioMMIO(3, rng.New(bytes.NewReader(nil)), VirtioConfig{}); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("slot 3 taken twice: %v", err)
	}
	// Interrupts need the in-kernel irqchip this VM lacks.
	if _, err := vm.AddVirtioMMIO(4, rng.New(bytes.NewReader(nil)), VirtioConfig{Interrupt: true}); err == nil {
		t.Errorf("an interrupt line without an irqchip was accepted")
	}
}

// FuzzVirtioMMIO drives the register page as the bus does, with arbitrary
// offsets, widths and values (three bytes of offset and width, four of
// value per access) over a virtio-rng on real vmm.Memory: no access
// panics, the vCPU is never stopped (Read and Write return nil), and the
// refused accesses kept stay bounded.
func FuzzVirtioMMIO(f *testing.F) {
	init := func(ops ...[3]uint32) []byte {
		var b []byte
		for _, o := range ops {
			b = binary.LittleEndian.AppendUint16(b, uint16(o[0]))
			b = append(b, byte(o[1]))
			b = binary.LittleEndian.AppendUint32(b, o[2])
		}
		return b
	}
	f.Add(init([3]uint32{virtio.RegStatus, 4, 1}, [3]uint32{virtio.RegStatus, 4, 3}, [3]uint32{virtio.RegQueueNotify, 4, 0}))
	f.Add(init([3]uint32{virtio.RegMagicValue, 1, 0}, [3]uint32{0x1ff, 8, 0}, [3]uint32{virtio.ConfigOffset, 2, 7}))
	f.Add(init([3]uint32{virtio.RegStatus, 4, 0xb}, [3]uint32{virtio.RegQueueNum, 4, 0xffff_ffff}, [3]uint32{virtio.RegQueueReady, 4, 1},
		[3]uint32{virtio.RegStatus, 4, 0xf}, [3]uint32{virtio.RegQueueNotify, 4, 0}))
	mem, err := NewMemory(1 << 20)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { mem.Close() })
	f.Fuzz(func(t *testing.T, ops []byte) {
		d := &VirtioMMIO{Transport: virtio.NewMMIO(rng.New(bytes.NewReader(make([]byte, 64))), mem, nil)}
		for len(ops) >= 7 {
			off := uint64(binary.LittleEndian.Uint16(ops)) % virtio.MMIOSize
			n := int(ops[2]%8) + 1
			data := binary.LittleEndian.AppendUint32(make([]byte, 0, 8), binary.LittleEndian.Uint32(ops[3:]))[:min(n, 4)]
			data = append(data, make([]byte, n-len(data))...)
			var err error
			if ops[2]&0x80 != 0 {
				err = d.Read(off, data)
			} else {
				err = d.Write(off, data)
			}
			if err != nil {
				t.Fatalf("access at %#x returned %v: the vCPU would stop", off, err)
			}
			ops = ops[7:]
		}
		if errs, _ := d.Errors(); len(errs) > maxVirtioErrors {
			t.Fatalf("%d errors kept", len(errs))
		}
	})
}
