package vmm

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/blk"
	"github.com/deepsys/deepsys/vmm/virtio/rng"
)

// Where the ring-3 virtio driver guest keeps its split virtqueue (spec
// 2.7: descriptor table, available ring, used ring) and its request.
const (
	vqSize   = 8
	vqDesc   = HimemStart + 0x20000
	vqAvail  = HimemStart + 0x21000
	vqUsed   = HimemStart + 0x22000
	vqHdr    = HimemStart + 0x23000
	vqData   = HimemStart + 0x24000
	vqStatus = HimemStart + 0x25000
)

// Descriptor flags (spec 2.7.5).
const (
	descNext  = 1
	descWrite = 2
)

// guestDesc is one descriptor the guest writes into its table.
type guestDesc struct {
	addr        int32
	len         int32
	flags, next int32
}

// blkReadChain is a virtio-blk read of sector 0 (spec 5.2.6): the
// device-readable header, 512 device-writable data bytes, the
// device-writable status byte.
var blkReadChain = []guestDesc{
	{vqHdr, 16, descNext, 1},
	{vqData, blk.SectorSize, descNext | descWrite, 2},
	{vqStatus, 1, descWrite, 0},
}

// Exit codes of the driver guest when it gives up.
const (
	exitBadMagic    = 0xe1
	exitBadDeviceID = 0xe2
	exitNoFeatures  = 0xe3
	exitIOError     = 0xe4
)

// virtioDriverGuest assembles a minimal virtio driver that runs at ring 3
// against the virtio-mmio device in slot 0 (emitVirtioRequest), then polls
// the used ring. If the request's status byte (virtio-blk) is not
// VIRTIO_BLK_S_OK, the guest exits with exitIOError; otherwise it prints
// the NUL-ended string at the start of the data buffer to the UART and
// exits with 0. If the device sets DEVICE_NEEDS_RESET instead, the guest
// starts over from the reset with the next of retries, and after the last
// exits with the status register.
func virtioDriverGuest(t *testing.T, deviceID int32, chain []guestDesc, retries ...[]guestDesc) []byte {
	var a amd64.Assembler
	user := a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	g := &driverAsm{a: &a}
	done := a.NewLabel()
	for _, ch := range append([][]guestDesc{chain}, retries...) {
		g.emitVirtioRequest(deviceID, ch)
		poll, needsReset := a.NewLabel(), a.NewLabel()
		a.Bind(poll)
		a.MovRM(amd64.W32, amd64.RAX, g.reg(virtio.RegStatus))
		a.TestRI(amd64.W32, amd64.RAX, virtio.StatusDeviceNeedsReset)
		a.Jcc(amd64.NE, needsReset)
		a.MovzxRM(amd64.W16, amd64.RAX, g.ram(vqUsed+2))
		a.TestRR(amd64.W32, amd64.RAX, amd64.RAX)
		a.Jcc(amd64.E, poll)
		if deviceID == virtio.IDBlock {
			a.MovzxRM(amd64.W8, amd64.RAX, g.ram(vqStatus))
			a.TestRR(amd64.W32, amd64.RAX, amd64.RAX)
			g.failIf(amd64.NE, exitIOError)
		}
		a.MovRI(amd64.W32, amd64.RSI, vqData)
		emitPuts(&a)
		a.MovRI(amd64.W32, amd64.RAX, 0)
		a.Jmp(done)
		a.Bind(needsReset) // RAX holds the status register; try the next chain
	}
	a.Jmp(done)
	g.emitFailures(done)
	a.Bind(done)
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	return finish(t, &a)
}

// driverAsm emits guest driver code: RCX holds the register page's base
// and RBX 0 (so ram(addr) is guest-physical addr, identity-mapped).
type driverAsm struct {
	a     *amd64.Assembler
	fails []driverFailure
}

type driverFailure struct {
	l    amd64.Label
	code int64
}

func (g *driverAsm) reg(off int32) amd64.Mem  { return amd64.Mem{Base: amd64.RCX, Disp: off} }
func (g *driverAsm) ram(addr int32) amd64.Mem { return amd64.Mem{Base: amd64.RBX, Disp: addr} }

// failIf jumps, on c, to code that exits with code (emitFailures).
func (g *driverAsm) failIf(c amd64.Cond, code int64) {
	l := g.a.NewLabel()
	g.fails = append(g.fails, driverFailure{l, code})
	g.a.Jcc(c, l)
}

// emitFailures emits each failIf target: RAX = its code, then jump to done.
func (g *driverAsm) emitFailures(done amd64.Label) {
	for _, f := range g.fails {
		g.a.Bind(f.l)
		g.a.MovRI(amd64.W32, amd64.RAX, f.code)
		g.a.Jmp(done)
	}
}

// emitVirtioRequest is the driver's side up to the notification: the
// initialisation of spec 3.1.1 through the registers of spec 4.2.2 (magic,
// device ID, reset, ACKNOWLEDGE, DRIVER, VIRTIO_F_VERSION_1, FEATURES_OK,
// queue 0 of vqSize entries, DRIVER_OK), then — for virtio-blk — a read
// header for sector 0, and chain made available (spec 2.7.13) and
// QueueNotify.
func (g *driverAsm) emitVirtioRequest(deviceID int32, chain []guestDesc) {
	a := g.a
	a.MovRI(amd64.W64, amd64.RCX, VirtioMMIOStart)
	a.MovRI(amd64.W32, amd64.RBX, 0)
	a.MovRM(amd64.W32, amd64.RAX, g.reg(virtio.RegMagicValue))
	a.ALURI(amd64.Cmp, amd64.W32, amd64.RAX, virtio.MagicValue)
	g.failIf(amd64.NE, exitBadMagic)
	a.MovRM(amd64.W32, amd64.RAX, g.reg(virtio.RegDeviceID))
	a.ALURI(amd64.Cmp, amd64.W32, amd64.RAX, deviceID)
	g.failIf(amd64.NE, exitBadDeviceID)
	for _, w := range [][2]int32{
		{virtio.RegStatus, 0},
		{virtio.RegStatus, virtio.StatusAcknowledge},
		{virtio.RegStatus, virtio.StatusAcknowledge | virtio.StatusDriver},
		{virtio.RegDriverFeaturesSel, 1},
		{virtio.RegDriverFeatures, 1 << (virtio.FeatureVersion1 - 32)},
		{virtio.RegDriverFeaturesSel, 0},
		{virtio.RegDriverFeatures, 0},
		{virtio.RegStatus, virtio.StatusAcknowledge | virtio.StatusDriver | virtio.StatusFeaturesOK},
	} {
		a.MovMI(amd64.W32, g.reg(w[0]), w[1])
	}
	a.MovRM(amd64.W32, amd64.RAX, g.reg(virtio.RegStatus))
	a.TestRI(amd64.W32, amd64.RAX, virtio.StatusFeaturesOK)
	g.failIf(amd64.E, exitNoFeatures)
	for _, w := range [][2]int32{
		{virtio.RegQueueSel, 0},
		{virtio.RegQueueNum, vqSize},
		{virtio.RegQueueDescLow, vqDesc},
		{virtio.RegQueueDescHigh, 0},
		{virtio.RegQueueDriverLow, vqAvail},
		{virtio.RegQueueDriverHigh, 0},
		{virtio.RegQueueDeviceLow, vqUsed},
		{virtio.RegQueueDeviceHigh, 0},
		{virtio.RegQueueReady, 1},
		{virtio.RegStatus, virtio.StatusAcknowledge | virtio.StatusDriver | virtio.StatusFeaturesOK | virtio.StatusDriverOK},
	} {
		a.MovMI(amd64.W32, g.reg(w[0]), w[1])
	}
	if deviceID == virtio.IDBlock { // header {VIRTIO_BLK_T_IN, 0, sector 0}, status 0xff
		a.MovMI(amd64.W32, g.ram(vqHdr), 0)
		a.MovMI(amd64.W32, g.ram(vqHdr+4), 0)
		a.MovMI(amd64.W64, g.ram(vqHdr+8), 0)
		a.MovMI(amd64.W8, g.ram(vqStatus), -1)
	}
	for i, d := range chain {
		base := int32(vqDesc + 16*i)
		a.MovMI(amd64.W64, g.ram(base), d.addr)
		a.MovMI(amd64.W32, g.ram(base+8), d.len)
		a.MovMI(amd64.W16, g.ram(base+12), d.flags)
		a.MovMI(amd64.W16, g.ram(base+14), d.next)
	}
	// avail.ring[0] = head 0, then avail.idx = 1 (x86 keeps stores in
	// order, so the device sees the ring entry before the index).
	a.MovMI(amd64.W16, g.ram(vqAvail), 0)
	a.MovMI(amd64.W16, g.ram(vqAvail+4), 0)
	a.MovMI(amd64.W16, g.ram(vqAvail+2), 1)
	a.MovMI(amd64.W32, g.reg(virtio.RegQueueNotify), 0)
}

// newBlkVM makes a VM running virtioDriverGuest(chain, retries) with a virtio-blk
// disk in slot 0 whose sector 0 starts with sector0.
func newBlkVM(t *testing.T, chain []guestDesc, sector0 string, cfg VirtioConfig, retries ...[]guestDesc) (*VM, *syncBuffer, *VirtioMMIO) {
	t.Helper()
	img := make([]byte, 8*blk.SectorSize)
	copy(img, sector0)
	path := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(path, img, 0o600); err != nil {
		t.Fatal(err)
	}
	disk, err := blk.Open(path, blk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	vm, out := newTestVM(t, virtioDriverGuest(t, virtio.IDBlock, chain, retries...))
	dev, err := vm.AddVirtioMMIO(0, disk, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return vm, out, dev
}

// TestVirtioBlkGuestRead: a ring-3 guest drives virtio-blk through the
// virtio-mmio registers on the VM's MMIO bus and reads sector 0 of a temp
// disk image into its RAM (the device reads the rings from, and preads
// into, vm.Mem); it prints what it read, and the test finds the disk's
// content on the UART.
func TestVirtioBlkGuestRead(t *testing.T) {
	want := "sector 0 of " + rand.Text() + "\n"
	vm, out, dev := newBlkVM(t, blkReadChain, want, VirtioConfig{})
	runToPrint(t, vm, out, want)
	noRefusals(t, dev)
	// The used ring (spec 2.7.8): idx 1, element {id 0, len 513 = the
	// sector plus the status byte}.
	used, _ := vm.Mem.Slice(vqUsed, 12)
	if idx, id, n := binary.LittleEndian.Uint16(used[2:]), binary.LittleEndian.Uint32(used[4:]),
		binary.LittleEndian.Uint32(used[8:]); idx != 1 || id != 0 || n != blk.SectorSize+1 {
		t.Errorf("used ring idx %d, element {id %d, len %d}, want 1, {0, %d}", idx, id, n, blk.SectorSize+1)
	}
}

// TestVirtioBlkHostileGuest: a guest whose chain loops, points a buffer
// outside RAM, gives one a 4 GiB length or a next index past the table gets its device stopped with DEVICE_NEEDS_RESET (spec
// 2.1.2) — which it reads back from the status register — and the VMM
// neither panics nor stops the vCPU; the refused notify is kept in Errors.
func TestVirtioBlkHostileGuest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chain []guestDesc
		want  string
	}{
		{"loop", []guestDesc{
			{vqHdr, 16, descNext, 1},
			{vqData, 512, descNext | descWrite, 2},
			{vqStatus, 1, descNext | descWrite, 1},
		}, "(a loop)"},
		{"outside RAM", []guestDesc{
			{vqHdr, 16, descNext, 1},
			{0x4000_0000, 512, descNext | descWrite, 2},
			{vqStatus, 1, descWrite, 0},
		}, "0x40000000"},
		{"huge length", []guestDesc{
			{vqHdr, 16, descNext, 1},
			{vqData, -1, descNext | descWrite, 2}, // 0xffffffff bytes
			{vqStatus, 1, descWrite, 0},
		}, "+0xffffffff"},
		{"next past the table", []guestDesc{
			{vqHdr, 16, descNext, 1},
			{vqData, 512, descNext | descWrite, 0x7fff},
		}, "past the end of its table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, out, dev := newBlkVM(t, tc.chain, "secret\n", VirtioConfig{})
			stops, err := runWithin(t, vm, runLimit)
			if err != nil {
				t.Fatal(err)
			}
			if !stops[0].Exited || stops[0].Code&virtio.StatusDeviceNeedsReset == 0 {
				t.Errorf("stop %+v, want a debug exit with DEVICE_NEEDS_RESET (%#x) set", stops[0], virtio.StatusDeviceNeedsReset)
			}
			if got := out.String(); got != "" {
				t.Errorf("guest printed %q, want nothing", got)
			}
			errs, _ := dev.Errors()
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("errors %v, want one naming %q", errs, tc.want)
			}
			t.Logf("the device reported: %v", errs)
		})
	}
}

// TestVirtioBlkIOEventFD: with the queue's notification on an ioeventfd,
// the guest's QueueNotify store never reaches the VMM as an exit: KVM
// signals the eventfd, the serving goroutine runs the request while the
// guest polls the used ring, and the guest prints the sector as before.
func TestVirtioBlkIOEventFD(t *testing.T) {
	want := "sector 0 of " + rand.Text() + "\n"
	vm, out, dev := newBlkVM(t, blkReadChain, want, VirtioConfig{IOEventFD: true})
	runToPrint(t, vm, out, want)
	if n := dev.IOEventFDNotifies(); n != 1 {
		t.Errorf("%d notifications through the ioeventfd, want 1", n)
	}
	noRefusals(t, dev)
}

// TestVirtioRngGuest: the same ring-3 driver against virtio-rng (spec
// 5.4) offers one 32-byte device-writable buffer; the device fills it from
// its source (a fixed, printable one here, so the guest can print it) and
// returns it with length 32.
func TestVirtioRngGuest(t *testing.T) {
	const n = 32
	src := []byte("entropy from the host, 32 bytes\n")
	chain := []guestDesc{{vqData, n, descWrite, 0}}
	vm, out := newTestVM(t, virtioDriverGuest(t, virtio.IDEntropy, chain))
	if _, err := vm.AddVirtioMMIO(0, rng.New(bytes.NewReader(src)), VirtioConfig{}); err != nil {
		t.Fatal(err)
	}
	runToPrint(t, vm, out, string(src))
	used, _ := vm.Mem.Slice(vqUsed, 12)
	if idx, n := binary.LittleEndian.Uint16(used[2:]), binary.LittleEndian.Uint32(used[8:]); idx != 1 || n != uint32(len(src)) {
		t.Errorf("used ring idx %d, length %d, want 1, %d", idx, n, len(src))
	}
}

// TestVirtioBlkGuestRecovers: after DEVICE_NEEDS_RESET from a looping
// chain, the guest resets the device (Status = 0, spec 2.1.2), initialises
// it again and reads sector 0 with a good chain: the VMM and the device are
// unharmed by the hostile request.
func TestVirtioBlkGuestRecovers(t *testing.T) {
	loop := []guestDesc{{vqHdr, 16, descNext, 1}, {vqData, 512, descNext | descWrite, 1}}
	want := "sector 0 of " + rand.Text() + "\n"
	vm, out, dev := newBlkVM(t, loop, want, VirtioConfig{}, blkReadChain)
	runToPrint(t, vm, out, want)
	if errs, _ := dev.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "(a loop)") {
		t.Errorf("errors %v, want one naming the loop", errs)
	}
}

// runToPrint runs a driver guest that must end with debug exit 0 after
// printing want on the UART.
func runToPrint(t *testing.T, vm *VM, out *syncBuffer, want string) {
	t.Helper()
	stops, err := runWithin(t, vm, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if !stops[0].Exited || stops[0].Code != 0 {
		t.Errorf("stop %+v, want debug exit 0", stops[0])
	}
	if got := out.String(); got != want {
		t.Errorf("guest printed %q, want %q", got, want)
	}
}

// noRefusals checks the transport refused none of the guest's accesses.
func noRefusals(t *testing.T, dev *VirtioMMIO) {
	t.Helper()
	if errs, _ := dev.Errors(); len(errs) != 0 {
		t.Errorf("transport refused accesses: %v", errs)
	}
}
