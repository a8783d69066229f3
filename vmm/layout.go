package vmm

// The guest-physical memory map of an x86-64 VM (drawn in docs/vmm.md).
// The low addresses follow the PC and Linux boot conventions, as
// firecracker's arch/x86_64/layout.rs does; the structures the VMM writes
// to start a vCPU in long mode live below the zero page.
const (
	// BootGDT holds the GDT the vCPU starts with (GDTEntries x 8 bytes).
	BootGDT = 0x500
	// BootIDT is an empty IDT (limit 0): any exception before the guest
	// loads its own escalates to a triple fault, KVM_EXIT_SHUTDOWN.
	BootIDT = 0x580
	// BootTSS is the 64-bit TSS TR points at: RSP0 for interrupts taken
	// from ring 3, and an I/O permission bitmap for all 65536 ports
	// (0x600-0x2668).
	BootTSS = 0x600
	// ZeroPage is where the Linux boot protocol's boot_params go (vmm/boot).
	ZeroPage = 0x7000
	// BootStack is the initial RSP, growing down below the page tables.
	BootStack = 0x8ff0
	// PML4, PDPT and PDs 0-3 identity-map the first 4 GiB with 2 MiB pages.
	PML4 = 0x9000
	PDPT = 0xa000
	PD   = 0xb000 // four pages: 0xb000-0xefff
	// CmdlineStart is where the kernel command line goes (vmm/boot).
	CmdlineStart = 0x20000
	// EBDAStart begins the legacy hole (EBDA, VGA, option ROMs, BIOS) that
	// the e820 map reports reserved up to HimemStart.
	EBDAStart = 0x9fc00
	// HimemStart is the first address above 1 MiB: the kernel, or a tiny
	// test guest's code, is loaded here.
	HimemStart = 0x100000
	// MMIOGapStart to MMIOGapEnd (768 MiB below 4 GiB) has no RAM: device
	// MMIO windows, the IOAPIC and local APICs, and the TSS KVM needs.
	MMIOGapStart = 0xd000_0000
	MMIOGapEnd   = 0x1_0000_0000
	// IOAPICStart and LAPICStart are the interrupt controllers' windows.
	IOAPICStart = 0xfec0_0000
	LAPICStart  = 0xfee0_0000
	// KVMTSSAddr is the three pages KVM_SET_TSS_ADDR reserves for Intel's
	// real-mode emulation, at the top of the gap as QEMU and firecracker put
	// them; KVMIdentityMap is the page before it.
	KVMTSSAddr     = 0xfffb_d000
	KVMIdentityMap = 0xfffb_c000
	// HighMemStart is where RAM beyond MMIOGapStart continues.
	HighMemStart = MMIOGapEnd
	// DevicesMMIOStart is where device MMIO windows are handed out.
	DevicesMMIOStart = MMIOGapStart
	// VirtioMMIOStart is the first virtio-mmio device's register page;
	// device i is at VirtioMMIOStart + i*VirtioMMIOStride, one 4 KiB page
	// each (the register page is virtio.MMIOSize, 0x200), for
	// VirtioMMIOSlots devices, as firecracker's MMIO_MEM_START hands them
	// out. They start 1 MiB into the device window, leaving its first
	// megabyte to fixed-address devices and tests.
	VirtioMMIOStart  = DevicesMMIOStart + 0x10_0000
	VirtioMMIOStride = 0x1000
	VirtioMMIOSlots  = 16
	// VirtioIRQBase is the GSI of virtio-mmio device 0; device i
	// interrupts on GSI VirtioIRQBase+i. GSIs 0-4 belong to the PIT,
	// keyboard, cascade and the UARTs; firecracker's IRQ_BASE is 5 too.
	VirtioIRQBase = 5
)

// Fixed I/O ports of the PC the VMM emulates.
const (
	// COM1 is the first 8250 UART's base port (eight ports).
	COM1 = 0x3f8
	// DebugExitPort stops the VM with the byte written as its exit code, as
	// QEMU's isa-debug-exit device at 0xf4 does; guests at ring 3 (where
	// HLT faults) and tests use it to finish.
	DebugExitPort = 0xf4
)
