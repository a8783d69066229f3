package kvm

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"golang.org/x/sys/unix"
)

func openKVM(t *testing.T) *System {
	t.Helper()
	testenv.RequireKVM(t)
	s, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestSystem runs the system-level ioctls against the real kernel.
func TestSystem(t *testing.T) {
	s := openKVM(t)
	if s.VCPUMmapSize() < 2352 { // sizeof(struct kvm_run) in 6.x headers
		t.Errorf("kvm_run mapping is %d bytes", s.VCPUMmapSize())
	}
	if n, err := s.CheckExtension(CapUserMemory); err != nil || n == 0 {
		t.Errorf("KVM_CAP_USER_MEMORY = %d, %v; every KVM has it", n, err)
	}
	ids, err := s.SupportedCPUID()
	if err != nil {
		t.Fatal(err)
	}
	var vendor []byte
	for _, e := range ids {
		if e.Function == 0 {
			for _, r := range []uint32{e.EBX, e.EDX, e.ECX} {
				vendor = binary.LittleEndian.AppendUint32(vendor, r)
			}
		}
	}
	if v := string(vendor); v != "GenuineIntel" && v != "AuthenticAMD" {
		t.Errorf("CPUID leaf 0 vendor %q from %d leaves", v, len(ids))
	}
}

// TestVMAndVCPU makes a VM with a memory slot and a vCPU, and round-trips
// registers through KVM_SET/GET_REGS and KVM_SET/GET_SREGS.
func TestVMAndVCPU(t *testing.T) {
	s := openKVM(t)
	vm, err := s.CreateVM()
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	mem, err := unix.Mmap(-1, 0, 1<<16, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	if err := vm.SetUserMemoryRegion(0, 0, 0, mem); err != nil {
		t.Fatal(err)
	}
	c, err := vm.CreateVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.GetRegs()
	if err != nil {
		t.Fatal(err)
	}
	r.RAX, r.RIP = 0x1234, 0x1000
	if err := c.SetRegs(r); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetRegs(); got.RAX != 0x1234 || got.RIP != 0x1000 {
		t.Errorf("after KVM_SET_REGS: rax %#x rip %#x", got.RAX, got.RIP)
	}
	sr, err := c.GetSRegs()
	if err != nil {
		t.Fatal(err)
	}
	if sr.CS.Selector != 0xf000 { // the reset vector's CS (SDM Vol. 3A "First Instruction Executed")
		t.Errorf("reset CS selector %#x, want 0xf000", sr.CS.Selector)
	}
	sr.CS.Base, sr.CS.Selector = 0, 0
	if err := c.SetSRegs(sr); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetSRegs(); got.CS.Base != 0 || got.CS.Selector != 0 {
		t.Errorf("after KVM_SET_SREGS: cs %+v", got.CS)
	}
}

// TestErrorsNameTheIoctl: a slot that overlaps another is refused, and the
// error says which ioctl and which slot.
func TestErrorsNameTheIoctl(t *testing.T) {
	s := openKVM(t)
	vm, err := s.CreateVM()
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	mem, err := unix.Mmap(-1, 0, 1<<16, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(mem)
	if err := vm.SetUserMemoryRegion(0, 0, 0, mem); err != nil {
		t.Fatal(err)
	}
	err = vm.SetUserMemoryRegion(1, 0, 0x1000, mem)
	var ie *IoctlError
	if !errors.As(err, &ie) || ie.Name != "KVM_SET_USER_MEMORY_REGION" || !strings.Contains(err.Error(), "slot 1") {
		t.Errorf("overlapping slot: %v", err)
	}
}

func TestDecodeIO(t *testing.T) {
	run := make([]byte, 4096)
	u := run[runUnion:]
	u[0], u[1] = 1, 1
	binary.LittleEndian.PutUint16(u[2:], 0x3f8)
	binary.LittleEndian.PutUint32(u[4:], 2)
	binary.LittleEndian.PutUint64(u[8:], 4094)
	e, err := decodeIO(run)
	if err != nil || !e.Out || e.Port != 0x3f8 || len(e.Data) != 2 {
		t.Errorf("decodeIO = %+v, %v", e, err)
	}
	binary.LittleEndian.PutUint64(u[8:], 4095) // one byte past the page
	if _, err := decodeIO(run); err == nil || !strings.Contains(err.Error(), "outside kvm_run") {
		t.Errorf("data past the page: %v", err)
	}
}

// FuzzDecodeExit feeds arbitrary kvm_run contents to the exit decoders:
// they return errors, never panic.
func FuzzDecodeExit(f *testing.F) {
	f.Add(make([]byte, 64), uint64(40), uint32(1), uint8(1))
	f.Add(make([]byte, 64), uint64(1<<63), uint32(1<<31), uint8(4))
	f.Fuzz(func(t *testing.T, head []byte, off uint64, count uint32, size uint8) {
		run := make([]byte, 512)
		copy(run, head)
		u := run[runUnion:]
		u[1] = size
		binary.LittleEndian.PutUint32(u[4:], count)
		binary.LittleEndian.PutUint64(u[8:], off)
		if e, err := decodeIO(run); err == nil && uint64(len(e.Data)) != uint64(e.Size)*uint64(e.Count) {
			t.Fatalf("IO data %d bytes for %d x %d", len(e.Data), e.Count, e.Size)
		}
		if e, err := decodeMMIO(run); err == nil && (len(e.Data) == 0 || len(e.Data) > 8) {
			t.Fatalf("MMIO data %d bytes", len(e.Data))
		}
		if e := decodeInternal(run); len(e.Data) > 16 {
			t.Fatalf("internal error with %d words", len(e.Data))
		}
	})
}

// TestIRQChip: the in-kernel PIC/IOAPIC/LAPIC and PIT are created, and an
// eventfd is bound to GSI 4 (COM1's line) with KVM_IRQFD. That a guest
// then receives the interrupt is not tested yet.
func TestIRQChip(t *testing.T) {
	s := openKVM(t)
	for _, c := range []int{CapIRQChip, CapPIT2, CapIRQFD, CapIOEventFD} {
		if n, err := s.CheckExtension(c); err != nil || n == 0 {
			t.Fatalf("capability %d: %d, %v", c, n, err)
		}
	}
	vm, err := s.CreateVM()
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	if err := vm.CreateIRQChip(); err != nil {
		t.Fatal(err)
	}
	if err := vm.CreatePIT2(PITSpeakerDummy); err != nil {
		t.Fatal(err)
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(efd)
	if err := vm.IRQFD(efd, 4); err != nil {
		t.Fatal(err)
	}
	if err := vm.IRQLine(3, true); err != nil {
		t.Fatal(err)
	}
	if err := vm.IRQFD(efd, 4); err == nil {
		t.Error("binding the same eventfd twice to GSI 4 was accepted")
	}
}

// TestMSRsAndFPU round-trips MSRs (IA32_LSTAR, IA32_KERNEL_GS_BASE) and
// the SSE state through the kernel, and names an MSR KVM does not know.
func TestMSRsAndFPU(t *testing.T) {
	s := openKVM(t)
	vm, err := s.CreateVM()
	if err != nil {
		t.Fatal(err)
	}
	defer vm.Close()
	c, err := vm.CreateVCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	set := []MSR{{Index: 0xc0000082, Data: 0xffffffff81000000}, {Index: 0xc0000102, Data: 0x1234000}}
	if err := c.SetMSRs(set); err != nil {
		t.Fatal(err)
	}
	got := []MSR{{Index: 0xc0000082}, {Index: 0xc0000102}}
	if err := c.GetMSRs(got); err != nil {
		t.Fatal(err)
	}
	if got[0] != set[0] || got[1] != set[1] {
		t.Errorf("MSRs read back %#x, wrote %#x", got, set)
	}
	bad := []MSR{{Index: 0xc0000082}, {Index: 0xdeadbeef}}
	if err := c.GetMSRs(bad); err == nil || !strings.Contains(err.Error(), "0xdeadbeef") {
		t.Errorf("unknown MSR: %v", err)
	}
	f, err := c.GetFPU()
	if err != nil {
		t.Fatal(err)
	}
	f.XMM[3][0], f.FCW, f.MXCSR = 0xab, 0x37f, 0x1f80
	if err := c.SetFPU(f); err != nil {
		t.Fatal(err)
	}
	g, _ := c.GetFPU()
	if g.XMM[3][0] != 0xab || g.FCW != 0x37f {
		t.Errorf("FPU read back xmm3[0] %#x fcw %#x", g.XMM[3][0], g.FCW)
	}
	// MXCSR written as 0x1f80 reads back 0 on our PVM machines; logged,
	// not asserted, until it is understood.
	t.Logf("mxcsr after KVM_SET_FPU with 0x1f80: %#x", g.MXCSR)
}
