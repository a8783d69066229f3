package boot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/acpi"
)

// This file boots the real Debian kernel with the structures this package
// and vmm/acpi build, on QEMU's TCG as the CPU: our machine's KVM cannot run
// a Linux kernel (docs/vmm.md), but TCG can, slowly. QEMU's own loaders are
// not used: a 64 KiB "firmware" ROM written below switches the CPU from
// real mode to flat 32-bit protected mode and jumps to the entry our loader
// returned, and QEMU's generic loader device copies our guest memory image
// into RAM. What the kernel prints about its memory map, ACPI tables, CPUs
// and command line is what we gave it; "00:00: ttyS0" is the 8250 driver
// binding to the PNP0501 device it found in our DSDT (legacy probing names
// it "serial8250"). The kernel needs tsc_early_khz: a hardware-reduced FADT
// tells it there is no PIT or PM timer to calibrate the TSC against, and TCG
// has no kvmclock or CPUID TSC-frequency leaf (firecracker's guests get
// kvmclock).

// Offsets in the stub ROM, which QEMU maps to end at 4 GiB.
const (
	romSize    = 0x10000
	romBase    = 0x1_0000_0000 - romSize
	romGDT     = 0x000 // null, 32-bit code 0x08, boot code 0x10, data 0x18
	romGDTR    = 0x020
	romCode16  = 0x100
	romCode32  = 0x200
	romCode64  = 0x300
	romReset   = 0xfff0 // the reset vector: CS base 0xffff0000, IP 0xfff0
	code32Sel  = 0x08
	bootCS     = 0x10 // __BOOT_CS and __BOOT_DS: the selectors boot.rst requires
	bootDS     = 0x18
	flatCode32 = 0x00cf9a000000ffff // base 0, limit 4 GiB, 32-bit, execute/read
	flatCode64 = 0x00af9a000000ffff // long mode (L=1), execute/read
	flatData32 = 0x00cf92000000ffff // base 0, limit 4 GiB, read/write
	// Identity page tables for the 64-bit entry, in low guest memory:
	// PML4 -> PDPT -> two PDs of 512 2 MiB pages, the first GiB (the
	// kernel) and the fourth (the ROM, still running when paging starts).
	pml4Addr  = 0x1000
	pdptAddr  = 0x2000
	pdAddr    = 0x3000
	pdTopAddr = 0x4000
)

// entryMode is how the stub enters the kernel.
type entryMode int

const (
	entry32 entryMode = iota // flat protected mode, paging off: PVH
	entry64                  // long mode with identity paging: the 64-bit boot protocol
)

// stubROM returns the firmware: at reset it loads the GDT, sets CR0.PE and
// far-jumps to 32-bit code that loads flat data segments and EBX (PVH's
// start_info) and ESI (the boot protocols' boot_params), clears EBP and
// EDI, and enters the kernel at entry: in 32-bit mode through __BOOT_CS, or
// after turning on PAE, EFER.LME and paging, in 64-bit mode through a
// long-mode __BOOT_CS (boot.rst "32-bit Boot Protocol", "64-bit Boot
// Protocol"; Intel SDM vol. 3 §9.8.5 "Initializing IA-32e Mode").
func stubROM(mode entryMode, entry, ebx, esi uint32) []byte {
	rom := make([]byte, romSize)
	le := binary.LittleEndian
	boot := uint64(flatCode32)
	if mode == entry64 {
		boot = flatCode64
	}
	le.PutUint64(rom[romGDT+code32Sel:], flatCode32)
	le.PutUint64(rom[romGDT+bootCS:], boot)
	le.PutUint64(rom[romGDT+bootDS:], flatData32)
	le.PutUint16(rom[romGDTR:], 0x1f)
	le.PutUint32(rom[romGDTR+2:], romBase+romGDT)
	copy(rom[romCode16:], code16())
	copy(rom[romCode32:], code32(mode, entry, ebx, esi))
	copy(rom[romCode64:], code64(entry, esi))
	// jmp near romCode16: rel16 from the end of the 3-byte instruction,
	// wrapping within the 64 KiB segment.
	rel := uint16((romCode16 - (romReset + 3)) & 0xffff)
	copy(rom[romReset:], le.AppendUint16([]byte{0xe9}, rel))
	return rom
}

// code16 runs in real mode at reset and enters protected mode.
func code16() []byte {
	c := []byte{
		0xfa,                                     // cli
		0x66, 0x2e, 0x0f, 0x01, 0x16, romGDTR, 0, // lgdt cs:[romGDTR] (o32: 32-bit base)
		0x0f, 0x20, 0xc0, // mov eax, cr0
		0x0c, 0x01, // or al, 1 (PE)
		0x0f, 0x22, 0xc0, // mov cr0, eax
		0x66, 0xea, // jmp far code32Sel:romBase+romCode32 (o32)
	}
	c = binary.LittleEndian.AppendUint32(c, romBase+romCode32)
	return append(c, code32Sel, 0)
}

// code32 loads the data segments and registers, then enters the kernel or
// goes on to long mode.
func code32(mode entryMode, entry, ebx, esi uint32) []byte {
	le := binary.LittleEndian
	c := []byte{0xb8, bootDS, 0, 0, 0} // mov eax, bootDS
	for _, modrm := range []byte{0xd8, 0xc0, 0xd0, 0xe0, 0xe8} {
		c = append(c, 0x8e, modrm) // mov ds/es/ss/fs/gs, ax
	}
	c = append(c, 0x31, 0xed, 0x31, 0xff)     // xor ebp, ebp; xor edi, edi
	c = le.AppendUint32(append(c, 0xbb), ebx) // mov ebx, imm32
	c = le.AppendUint32(append(c, 0xbe), esi) // mov esi, imm32
	if mode == entry32 {
		c = le.AppendUint32(append(c, 0xea), entry) // jmp far bootCS:entry
		return append(c, bootCS, 0)
	}
	c = append(c, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0)             // cr4 |= PAE
	c = le.AppendUint32(append(c, 0xb8), pml4Addr)                                  // mov eax, pml4
	c = append(c, 0x0f, 0x22, 0xd8)                                                 // mov cr3, eax
	c = append(c, 0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32)                         // mov ecx, EFER; rdmsr
	c = append(c, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30)                         // or eax, LME; wrmsr
	c = append(c, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0) // cr0 |= PG
	c = le.AppendUint32(append(c, 0xea), romBase+romCode64)                         // jmp far bootCS:code64
	return append(c, bootCS, 0)
}

// code64 runs in long mode: RSI = boot_params, jump to the 64-bit entry.
func code64(entry, esi uint32) []byte {
	c := binary.LittleEndian.AppendUint32([]byte{0xbe}, esi)     // mov esi, imm32 (zero-extends into rsi)
	c = binary.LittleEndian.AppendUint32(append(c, 0xb8), entry) // mov eax, imm32
	return append(c, 0xff, 0xe0)                                 // jmp rax
}

// identityMap writes page tables mapping [0, 1 GiB) and [3 GiB, 4 GiB)
// 1:1 with 2 MiB pages (present, writable, PS).
func identityMap(mem []byte) {
	le := binary.LittleEndian
	le.PutUint64(mem[pml4Addr:], pdptAddr|3)
	le.PutUint64(mem[pdptAddr:], pdAddr|3)
	le.PutUint64(mem[pdptAddr+3*8:], pdTopAddr|3)
	for i := range uint64(512) {
		le.PutUint64(mem[pdAddr+8*i:], i<<21|0x83)
		le.PutUint64(mem[pdTopAddr+8*i:], 3<<30|i<<21|0x83)
	}
}

// Guest layout of the QEMU boot tests (256 MiB, under the MMIO gap).
const (
	qemuMem       = 256 << 20
	qemuStartInfo = 0x6000
	qemuZeroPage  = 0x7000
	qemuACPI      = 0x10000
	qemuCmdLine   = 0x20000
	qemuInitrd    = 0x8000000
	initMarker    = "DEEPSYS-INITRAMFS-OK"
)

// qemuE820 is MemoryMap's map with the ACPI tables' page carved out as
// ACPI data.
func qemuE820(t *testing.T) []E820Entry {
	m, err := MemoryMap(qemuMem, 0xc0000000)
	if err != nil {
		t.Fatal(err)
	}
	if m, err = Carve(m, qemuACPI, 0x1000, E820ACPI); err != nil {
		t.Fatal(err)
	}
	return m
}

// initScript loads the virtio-mmio driver, which binds to the LNRO0005
// devices of our DSDT and probes the transports, and prints one line per
// virtio device found: its device ID (virtio 1.2 §5) and its sysfs path,
// which names the ACPI device it came from. Then the marker.
const initScript = `#!/bin/sh
b=/bin/busybox
$b insmod /virtio_mmio.ko
$b mkdir -p /sys
$b mount -t sysfs sysfs /sys
for d in /sys/bus/virtio/devices/*; do
	echo "VIRTIO-DEVICE $($b cat $d/device) $($b readlink -f $d)"
done
echo ` + initMarker + "\n"

// testInitrd is an initramfs whose /init, Debian's static busybox running
// initScript, prints the marker; when it exits the kernel panics and, with
// panic=-1 and -no-reboot, QEMU exits.
func testInitrd(t *testing.T, g testenv.GuestKernelFiles) []byte {
	busybox, err := os.ReadFile(testenv.RequireTool(t, "busybox"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(g.VirtioMMIO)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Initramfs([]InitramfsFile{
		{Name: "bin", Mode: fs.ModeDir | 0o755},
		{Name: "bin/busybox", Mode: 0o755, Data: busybox},
		{Name: "bin/sh", Mode: fs.ModeSymlink | 0o777, Data: []byte("busybox")},
		{Name: "virtio_mmio.ko", Mode: 0o644, Data: mod},
		{Name: "init", Mode: 0o755, Data: []byte(initScript)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// QEMU microvm's virtio-mmio transports with its second I/O APIC off
// (ioapic2=off): 8 windows of 512 bytes from 0xfeb00000 on GSIs 5-12
// (hw/i386/microvm.c). QEMU plugs a -device into the last one.
const (
	microvmVirtioBase = 0xfeb00000
	microvmVirtioSize = 0x200
	microvmVirtioGSI  = 5
	microvmVirtioN    = 8
)

func microvmVirtio() []acpi.VirtioMMIO {
	d := make([]acpi.VirtioMMIO, microvmVirtioN)
	for i := range d {
		d[i] = acpi.VirtioMMIO{Base: microvmVirtioBase + uint64(i)*microvmVirtioSize, Size: microvmVirtioSize, GSI: uint32(microvmVirtioGSI + i)}
	}
	return d
}

// acpiInto builds the tables for cpus vCPUs and microvm's virtio-mmio
// transports and copies them to qemuACPI.
func acpiInto(t *testing.T, mem []byte, cpus int) uint64 {
	tb, err := acpi.Build(qemuACPI, acpi.Config{CPUs: cpus, Virtio: microvmVirtio()})
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Bytes) > 0x1000 {
		t.Fatalf("ACPI tables of %d bytes overflow their e820 page", len(tb.Bytes))
	}
	copy(mem[qemuACPI:], tb.Bytes)
	return tb.RSDPAddr
}

// runQEMU boots mem on QEMU's microvm with the stub ROM and returns the
// serial console's output up to the marker (or what there was when QEMU
// exited or the time ran out).
func runQEMU(t *testing.T, mem []byte, rom []byte, cpus string) string {
	qemu := testenv.RequireTool(t, "qemu-system-x86_64")
	dir := t.TempDir()
	args := []string{"-M", "microvm,x-option-roms=off,rtc=off,ioapic2=off",
		"-device", "virtio-rng-device", "-cpu", "max", "-m", "256M", "-smp", cpus,
		"-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
		"-bios", filepath.Join(dir, "rom.bin")}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("rom.bin", rom)
	// The image in three pieces, skipping the zeroes between: low memory
	// below the legacy hole, the kernel, the initrd.
	for _, r := range []struct {
		name       string
		start, end uint64
	}{{"low.bin", 0, EBDAStart &^ 0xfff}, {"kernel.bin", 0x1000000, qemuInitrd}, {"initrd.bin", qemuInitrd, qemuMem}} {
		p := write(r.name, bytes.TrimRight(mem[r.start:r.end], "\x00"))
		args = append(args, "-device", "loader,file="+p+",addr="+hex(r.start)+",force-raw=on")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var console strings.Builder
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		console.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), initMarker) {
			break
		}
	}
	return console.String()
}

func hex(v uint64) string { return "0x" + strconv.FormatUint(v, 16) }

// wantConsole fails for each line fragment the console lacks.
func wantConsole(t *testing.T, console string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(console, w) {
			t.Errorf("console lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("console:\n%s", console)
		return
	}
	for _, line := range strings.Split(console, "\n") {
		for _, k := range []string{"e820", "ACPI: RSDP", "ACPI: XSDT", "ACPI: FACP", "ACPI: APIC", "ACPI: DSDT", "INT_SRC_OVR",
			"ttyS0 at", "Brought up", "Unpacking initramfs", "VIRTIO-DEVICE", initMarker} {
			if strings.Contains(line, k) {
				t.Log(strings.TrimSpace(line))
				break
			}
		}
	}
}

// TestQEMUBootsPVH: LoadPVH + acpi.Build boot Debian's vmlinux to /init.
func TestQEMUBootsPVH(t *testing.T) {
	t.Parallel()
	g := testenv.GuestKernel(t)
	r, err := os.Open(g.Vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mem := make([]byte, qemuMem)
	rsdp := acpiInto(t, mem, 2)
	cmdline := "console=ttyS0 panic=-1 tsc_early_khz=2000000 deepsys=pvh"
	l, err := LoadPVH(mem, r, PVHConfig{StartInfoAddr: qemuStartInfo, CmdLineAddr: qemuCmdLine, CmdLine: cmdline,
		Initrd: testInitrd(t, g), InitrdAddr: qemuInitrd, RSDP: rsdp, E820: qemuE820(t)})
	if err != nil {
		t.Fatal(err)
	}
	console := runQEMU(t, mem, stubROM(entry32, uint32(l.Entry), uint32(l.BootArg), 0), "2")
	wantConsole(t, console, "Command line: "+cmdline, "BIOS-e820: [mem 0x0000000000010000-0x0000000000010fff] ACPI data",
		"ACPI: RSDP 0x0000000000010000 000024 (v02 DEEPSY)", "ACPI: DSDT", "ACPI: INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2",
		"smp: Brought up 1 node, 2 CPUs", "00:00: ttyS0 at I/O 0x3f8",
		"VIRTIO-DEVICE 0x0004 /sys/devices/platform/LNRO0005:07/virtio0", initMarker)
}

// TestQEMUBootsBzImage64: the entry LoadBzImage returns, load address +
// 0x200, entered in long mode with identity paging and RSI = boot_params,
// the way the vmm enters it on KVM.
func TestQEMUBootsBzImage64(t *testing.T) {
	t.Parallel()
	g := testenv.GuestKernel(t)
	file, err := os.ReadFile(g.BzImage)
	if err != nil {
		t.Fatal(err)
	}
	mem := make([]byte, qemuMem)
	rsdp := acpiInto(t, mem, 1)
	identityMap(mem)
	cmdline := "console=ttyS0 panic=-1 tsc_early_khz=2000000 deepsys=bzimage64"
	l, err := LoadBzImage(mem, file, BzImageConfig{ZeroPageAddr: qemuZeroPage, CmdLineAddr: qemuCmdLine, CmdLine: cmdline,
		Initrd: testInitrd(t, g), InitrdAddr: qemuInitrd, RSDP: rsdp, E820: qemuE820(t)})
	if err != nil {
		t.Fatal(err)
	}
	console := runQEMU(t, mem, stubROM(entry64, uint32(l.Entry), 0, uint32(l.BootArg)), "1")
	wantConsole(t, console, "Command line: "+cmdline, "BIOS-e820: [mem 0x0000000000010000-0x0000000000010fff] ACPI data",
		"ACPI: RSDP 0x0000000000010000 000024 (v02 DEEPSY)", "smp: Brought up 1 node, 1 CPU", "00:00: ttyS0 at I/O 0x3f8", initMarker)
}
