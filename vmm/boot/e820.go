package boot

import "fmt"

// E820 memory types (ACPI 6.5 §15 "System Address Map Interfaces", Table
// 15.1; Linux arch/x86/include/uapi/asm/e820.h). PVH's hvm_memmap_table_entry
// uses the same numbers.
const (
	E820RAM      = 1
	E820Reserved = 2
	E820ACPI     = 3 // ACPI tables, reclaimable once read
	E820NVS      = 4
)

// E820Entry is one range of the guest physical memory map.
type E820Entry struct {
	Addr uint64
	Size uint64
	Type uint32
}

// Named addresses of the low memory map every PC-compatible layout keeps
// (boot.rst "Memory Layout"): RAM below the EBDA, the EBDA, the legacy
// video/BIOS hole, and RAM from 1 MiB.
const (
	EBDAStart   = 0x9fc00   // extended BIOS data area: reserved
	HighMemBase = 0x100000  // 1 MiB: where "high" memory starts
	MMIOGapEnd  = 1 << 32   // the 32-bit MMIO hole ends at 4 GiB
	maxE820Zero = 128       // E820_MAX_ENTRIES_ZEROPAGE
	e820Size    = 20        // struct boot_e820_entry: addr, size, type, packed
	offE820Tbl  = 0x2d0     // boot_params.e820_table
	offE820Num  = 0x1e8     // boot_params.e820_entries
	pageSize    = 4096      // the zero page, and page alignment of the initrd
	lowRAMEnd   = EBDAStart // conventional RAM ends where the EBDA starts
)

// MemoryMap is the e820 map of a guest with memSize bytes of RAM at guest
// physical 0, with the 32-bit MMIO hole [mmioGapStart, 4 GiB) left out and
// the RAM it would have covered moved above 4 GiB (the layout firecracker's
// arch/x86_64/layout.rs and QEMU's pc machine use). mmioGapStart must lie
// above 1 MiB and at or below 4 GiB.
func MemoryMap(memSize, mmioGapStart uint64) ([]E820Entry, error) {
	if mmioGapStart <= HighMemBase || mmioGapStart > MMIOGapEnd {
		return nil, fmt.Errorf("e820: MMIO gap start %#x outside (1 MiB, 4 GiB]", mmioGapStart)
	}
	if memSize <= HighMemBase {
		return nil, fmt.Errorf("e820: %d bytes of RAM, need more than 1 MiB", memSize)
	}
	m := []E820Entry{
		{Addr: 0, Size: lowRAMEnd, Type: E820RAM},
		{Addr: EBDAStart, Size: HighMemBase - EBDAStart, Type: E820Reserved},
	}
	if memSize <= mmioGapStart {
		return append(m, E820Entry{Addr: HighMemBase, Size: memSize - HighMemBase, Type: E820RAM}), nil
	}
	m = append(m, E820Entry{Addr: HighMemBase, Size: mmioGapStart - HighMemBase, Type: E820RAM})
	return append(m, E820Entry{Addr: MMIOGapEnd, Size: memSize - mmioGapStart, Type: E820RAM}), nil
}

// Carve returns m with [addr, addr+size) retyped to typ: the range must lie
// inside one E820RAM entry, which is split around it. The VMM marks the
// pages holding its ACPI tables E820ACPI this way, so the guest does not
// allocate over them before it has read them.
func Carve(m []E820Entry, addr, size uint64, typ uint32) ([]E820Entry, error) {
	end := addr + size
	if size == 0 || end < addr {
		return nil, fmt.Errorf("e820: carve [%#x, +%#x): empty or wrapping range", addr, size)
	}
	for i, e := range m {
		if e.Type != E820RAM || addr < e.Addr || end > e.Addr+e.Size {
			continue
		}
		var parts []E820Entry
		if addr > e.Addr {
			parts = append(parts, E820Entry{e.Addr, addr - e.Addr, E820RAM})
		}
		parts = append(parts, E820Entry{addr, size, typ})
		if end < e.Addr+e.Size {
			parts = append(parts, E820Entry{end, e.Addr + e.Size - end, E820RAM})
		}
		out := append(append(append([]E820Entry{}, m[:i]...), parts...), m[i+1:]...)
		if len(out) > maxE820Zero {
			return nil, fmt.Errorf("e820: carving makes %d entries, more than the zero page's %d", len(out), maxE820Zero)
		}
		return out, nil
	}
	return nil, fmt.Errorf("e820: [%#x, %#x) is not inside one RAM entry", addr, end)
}
