package vmm

import (
	"encoding/binary"
	"sync"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
)

// scratchDevice is an MMIO window of 16 bytes of registers that records
// every access.
type scratchDevice struct {
	mu   sync.Mutex
	regs [16]byte
	log  []string
}

func (d *scratchDevice) Read(off uint64, data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	copy(data, d.regs[off:])
	d.log = append(d.log, "r")
	return nil
}

func (d *scratchDevice) Write(off uint64, data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	copy(d.regs[off:], data)
	d.log = append(d.log, "w")
	return nil
}

// TestMMIODevice: a ring-3 guest stores a 32-bit value into a device's
// MMIO window, loads it back plus 8 bytes of a preset register, and
// reports both through the debug-exit port and memory. The load checks
// the MMIO read path: the VMM's bytes land in the guest's register.
func TestMMIODevice(t *testing.T) {
	const (
		base   = DevicesMMIOStart
		result = HimemStart + 0x3000
	)
	dev := &scratchDevice{}
	binary.LittleEndian.PutUint64(dev.regs[8:], 0x1122334455667788)
	var a amd64.Assembler
	user := a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	a.MovRI(amd64.W64, amd64.RCX, base)
	a.MovMI(amd64.W32, amd64.Mem{Base: amd64.RCX}, 0x5a5a1234)
	a.MovRM(amd64.W32, amd64.RAX, amd64.Mem{Base: amd64.RCX})
	a.MovRM(amd64.W64, amd64.RBX, amd64.Mem{Base: amd64.RCX, Disp: 8})
	a.MovRI(amd64.W32, amd64.RSI, result)
	a.MovMR(amd64.W64, amd64.Mem{Base: amd64.RSI}, amd64.RAX)
	a.MovMR(amd64.W64, amd64.Mem{Base: amd64.RSI, Disp: 8}, amd64.RBX)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	vm, _ := newTestVM(t, finish(t, &a))
	if err := vm.MMIO.Insert(base, 16, "scratch", dev); err != nil {
		t.Fatal(err)
	}
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	got1, _ := vm.Mem.Uint64(result)
	got2, _ := vm.Mem.Uint64(result + 8)
	if got1 != 0x5a5a1234 || got2 != 0x1122334455667788 || stops[0].Code != 0x34 {
		t.Errorf("guest read %#x and %#x, exit code %#x", got1, got2, stops[0].Code)
	}
	if len(dev.log) != 3 || dev.log[0] != "w" || dev.log[1] != "r" || dev.log[2] != "r" {
		t.Errorf("device saw %v, want a write and two reads", dev.log)
	}
}
