package boot

import "fmt"

// BzImageConfig says where in guest memory LoadBzImage puts things.
type BzImageConfig struct {
	KernelAddr   uint64 // load address of the protected-mode kernel; 0 means pref_address
	ZeroPageAddr uint64 // struct boot_params
	CmdLineAddr  uint64
	CmdLine      string
	Initrd       []byte // nil for none
	InitrdAddr   uint64 // 0: the highest page-aligned place that fits
	RSDP         uint64 // guest address of the ACPI RSDP, 0 for none
	E820         []E820Entry
}

// Loaded is where a loader left the kernel and how to enter it.
type Loaded struct {
	Header     *SetupHeader // bzImage only
	KernelAddr uint64
	// Entry is the guest physical entry point: load address + 0x200 for the
	// 64-bit boot protocol (RSI = BootArg), the PVH note's address for PVH
	// (EBX = BootArg).
	Entry      uint64
	BootArg    uint64 // the zero page (bzImage) or hvm_start_info (PVH)
	InitrdAddr uint64
}

// LoadBzImage places the bzImage file in mem per the 64-bit boot protocol
// (steps 1-4 of the package comment) and returns the 64-bit entry point.
func LoadBzImage(mem []byte, file []byte, c BzImageConfig) (*Loaded, error) {
	h, err := ParseSetupHeader(file)
	if err != nil {
		return nil, err
	}
	kaddr, err := kernelAddr(h, c.KernelAddr)
	if err != nil {
		return nil, err
	}
	if uint64(len(c.CmdLine)) > uint64(h.CmdlineSize) {
		return nil, fmt.Errorf("bzImage: command line of %d bytes exceeds the kernel's cmdline_size %d", len(c.CmdLine), h.CmdlineSize)
	}
	initrd, err := initrdAddr(h, uint64(len(mem)), c)
	if err != nil {
		return nil, err
	}
	if err := checkDisjoint(bzSpans(h, kaddr, initrd, c)); err != nil {
		return nil, fmt.Errorf("bzImage: %w", err)
	}
	if err := placeBz(mem, file, h, kaddr, initrd, c); err != nil {
		return nil, fmt.Errorf("bzImage: %w", err)
	}
	return &Loaded{Header: h, KernelAddr: kaddr, Entry: kaddr + Entry64Offset, BootArg: c.ZeroPageAddr, InitrdAddr: initrd}, nil
}

// kernelAddr checks the load address against the kernel's alignment rules
// (boot.rst: relocatable_kernel, min_alignment, pref_address).
func kernelAddr(h *SetupHeader, addr uint64) (uint64, error) {
	if addr == 0 {
		addr = h.PrefAddress
	}
	if !h.Relocatable && addr != h.PrefAddress {
		return 0, fmt.Errorf("bzImage: kernel is not relocatable: must load at pref_address %#x, not %#x", h.PrefAddress, addr)
	}
	if align := uint64(1) << h.MinAlignment; addr%align != 0 {
		return 0, fmt.Errorf("bzImage: load address %#x is not aligned to min_alignment %#x", addr, align)
	}
	if addr < HighMemBase {
		return 0, fmt.Errorf("bzImage: load address %#x is below 1 MiB", addr)
	}
	return addr, nil
}

// initrdAddr returns where the initrd goes: c.InitrdAddr, or the highest
// page-aligned address where it ends below both guest memory's end and the
// kernel's limit (initrd_addr_max, unless XLF_CAN_BE_LOADED_ABOVE_4G).
func initrdAddr(h *SetupHeader, memLen uint64, c BzImageConfig) (uint64, error) {
	n := uint64(len(c.Initrd))
	if n == 0 {
		return 0, nil
	}
	limit := memLen
	if h.Xloadflags&XLFCanBeLoadedAbove4G == 0 {
		limit = min(limit, uint64(h.InitrdAddrMax)+1)
	}
	addr := c.InitrdAddr
	if addr == 0 {
		if n > limit {
			return 0, fmt.Errorf("bzImage: initrd of %d bytes does not fit below %#x", n, limit)
		}
		addr = (limit - n) &^ (pageSize - 1)
	}
	if addr+n > limit || addr+n < addr {
		return 0, fmt.Errorf("bzImage: initrd [%#x, +%#x) ends above the limit %#x (initrd_addr_max or guest memory)", addr, n, limit)
	}
	return addr, nil
}

// bzSpans are the ranges LoadBzImage writes; they must not overlap.
func bzSpans(h *SetupHeader, kaddr, initrd uint64, c BzImageConfig) []span {
	return []span{
		{"kernel (init_size)", kaddr, uint64(h.InitSize)},
		{"zero page", c.ZeroPageAddr, ZeroPageSize},
		{"command line", c.CmdLineAddr, uint64(len(c.CmdLine)) + 1},
		{"initrd", initrd, uint64(len(c.Initrd))},
	}
}

// placeBz copies kernel, command line, initrd and zero page into mem.
func placeBz(mem, file []byte, h *SetupHeader, kaddr, initrd uint64, c BzImageConfig) error {
	if _, err := region(mem, "kernel (init_size)", kaddr, uint64(h.InitSize)); err != nil {
		return err
	}
	// syssize, not the file's end: a signed kernel carries its signature after.
	pm := file[h.SetupSize() : h.SetupSize()+int(h.Syssize)*16]
	if err := put(mem, "kernel", kaddr, pm); err != nil {
		return err
	}
	if err := put(mem, "command line", c.CmdLineAddr, append([]byte(c.CmdLine), 0)); err != nil {
		return err
	}
	if err := put(mem, "initrd", initrd, c.Initrd); err != nil {
		return err
	}
	zp, err := BuildZeroPage(file, ZeroPage{CmdLine: c.CmdLineAddr, RamdiskAddr: initrd,
		RamdiskSize: uint64(len(c.Initrd)), RSDP: c.RSDP, E820: c.E820})
	if err != nil {
		return err
	}
	return put(mem, "zero page", c.ZeroPageAddr, zp)
}
