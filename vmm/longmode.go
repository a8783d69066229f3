package vmm

import (
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/vmm/kvm"
)

// Starting a vCPU straight in 64-bit mode, with no firmware and no real-mode
// trampoline: the VMM writes what a boot loader would have built and loads
// the registers through KVM_SET_SREGS (Intel SDM Vol. 3A, "Initializing
// IA-32e Mode"):
//
//  1. Identity page tables for the first 4 GiB: one PML4 entry, four PDPT
//     entries, 4 x 512 PD entries of 2 MiB pages (SDM "4-Level Paging").
//     Every entry has U/S set, so ring-3 code may run anywhere; an address
//     the tables map but no memory slot backs exits as MMIO.
//  2. A GDT with 64-bit code and data segments for rings 0 and 3 and a TSS
//     descriptor (SDM "Segment Descriptors", "TSS Descriptor in 64-bit
//     mode"); an empty IDT.
//  3. CR3 = PML4; CR4.PAE; EFER.LME|LMA; CR0.PE|PG (and NE, WP, ET, MP);
//     CS a 64-bit code segment (L=1). KVM checks the combination as the
//     CPU's VM-entry checks would (SDM "Checks on the Guest State Area").

// GDT selectors of the boot GDT (index x 8, with RPL 3 for ring 3).
const (
	SelKernelCode = 1 << 3
	SelKernelData = 2 << 3
	SelUserData   = 3<<3 | 3
	SelUserCode   = 4<<3 | 3
	SelTSS        = 5 << 3 // a 16-byte system descriptor: entries 5 and 6
	GDTEntries    = 7
)

// Control-register and EFER bits (SDM "Control Registers", "Extended Feature Enable Register").
const (
	cr0PE   = 1 << 0
	cr0MP   = 1 << 1
	cr0ET   = 1 << 4
	cr0NE   = 1 << 5
	cr0WP   = 1 << 16
	cr0PG   = 1 << 31
	cr4PAE  = 1 << 5
	eferLME = 1 << 8
	eferLMA = 1 << 10
)

// Page-table entry bits (SDM "4-Level Paging", the entry-format tables).
const (
	ptePresent  = 1 << 0
	pteWritable = 1 << 1
	pteUser     = 1 << 2
	ptePageSize = 1 << 7
)

// gdtEntry encodes a code or data segment descriptor: flags is the
// descriptor's bits 52-55 (G, D/B, L, AVL) above its access byte (P, DPL,
// S, type), as firecracker's gdt_entry takes them.
func gdtEntry(flags uint16, base, limit uint32) uint64 {
	return uint64(base&0xff000000)<<32 | uint64(flags&0xf0ff)<<40 | uint64(limit&0xf0000)<<32 |
		uint64(base&0x00ffffff)<<16 | uint64(limit&0xffff)
}

// segmentOf is the hidden part of a segment register loaded from entry
// with selector sel, as KVM_SET_SREGS wants it.
func segmentOf(sel uint16, entry uint64) kvm.Segment {
	base := entry>>16&0xffffff | entry>>32&0xff000000
	limit := uint32(entry&0xffff | entry>>32&0xf0000)
	g := uint8(entry >> 55 & 1)
	if g == 1 {
		limit = limit<<12 | 0xfff
	}
	return kvm.Segment{Base: base, Limit: limit, Selector: sel, Type: uint8(entry >> 40 & 0xf),
		S: uint8(entry >> 44 & 1), DPL: uint8(entry >> 45 & 3), Present: uint8(entry >> 47 & 1),
		AVL: uint8(entry >> 52 & 1), L: uint8(entry >> 53 & 1), DB: uint8(entry >> 54 & 1), G: g}
}

// bootGDT is the GDT written at BootGDT; the TSS descriptor's upper half
// (entry 6) holds bits 32-63 of its base, zero here.
func bootGDT() [GDTEntries]uint64 {
	return [GDTEntries]uint64{
		0,
		gdtEntry(0xa09b, 0, 0xfffff), // ring-0 code: G, L, P, DPL 0, execute/read
		gdtEntry(0xc093, 0, 0xfffff), // ring-0 data: G, D/B, P, DPL 0, read/write
		gdtEntry(0xc0f3, 0, 0xfffff), // ring-3 data: DPL 3
		gdtEntry(0xa0fb, 0, 0xfffff), // ring-3 code: DPL 3
		gdtEntry(0x008b, BootTSS, bootTSSLimit),
		0,
	}
}

// writeBootTables writes page tables, GDT, IDT and TSS into mem.
func writeBootTables(mem *Memory) error {
	if err := mem.PutUint64(PML4, PDPT|ptePresent|pteWritable|pteUser); err != nil {
		return fmt.Errorf("boot page tables: %w", err)
	}
	for i := range uint64(4) {
		pd := PD + i*0x1000
		if err := mem.PutUint64(PDPT+8*i, pd|ptePresent|pteWritable|pteUser); err != nil {
			return fmt.Errorf("boot page tables: %w", err)
		}
		s, err := mem.Slice(pd, 4096)
		if err != nil {
			return fmt.Errorf("boot page tables: %w", err)
		}
		for j := range uint64(512) {
			addr := (i<<30 | j<<21)
			binary.LittleEndian.PutUint64(s[8*j:], addr|ptePresent|pteWritable|pteUser|ptePageSize)
		}
	}
	gdt := bootGDT()
	for i, e := range gdt {
		if err := mem.PutUint64(BootGDT+8*uint64(i), e); err != nil {
			return fmt.Errorf("boot GDT: %w", err)
		}
	}
	return writeBootTSS(mem)
}

// writeBootTSS writes the 64-bit TSS (SDM "Task Management in 64-bit Mode"): RSP0 = BootStack, so an
// interrupt from ring 3 has a ring-0 stack, and an I/O permission bitmap
// of all zeros (SDM Vol. 1 "I/O Permission Bit Map"), so ring-3 code may use every port. Test
// guests do their device I/O from ring 3, where our machines run them
// natively; a guest kernel loads its own TSS.
func writeBootTSS(mem *Memory) error {
	tss, err := mem.Slice(BootTSS, bootTSSLimit+1)
	if err != nil {
		return fmt.Errorf("boot TSS: %w", err)
	}
	clear(tss)
	binary.LittleEndian.PutUint64(tss[4:], BootStack)
	binary.LittleEndian.PutUint16(tss[0x66:], tssIOMapBase)
	tss[bootTSSLimit] = 0xff // the byte past the bitmap must be all ones
	return nil
}

// The TSS is 0x68 bytes, then one bit per port for 65536 ports, then the
// terminating byte.
const (
	tssIOMapBase = 0x68
	bootTSSLimit = tssIOMapBase + 65536/8
)

// longModeSRegs loads sr with the boot GDT's segments and the control
// registers of 64-bit mode with paging.
func longModeSRegs(sr *kvm.SRegs) {
	gdt := bootGDT()
	code := segmentOf(SelKernelCode, gdt[1])
	data := segmentOf(SelKernelData, gdt[2])
	sr.CS = code
	sr.DS, sr.ES, sr.FS, sr.GS, sr.SS = data, data, data, data, data
	sr.TR = segmentOf(SelTSS, gdt[5])
	sr.TR.Type = 0xb // busy 64-bit TSS, as LTR leaves it
	sr.LDT = kvm.Segment{Type: 2, Present: 1, Unusable: 1}
	sr.GDT = kvm.DTable{Base: BootGDT, Limit: 8*GDTEntries - 1}
	sr.IDT = kvm.DTable{Base: BootIDT}
	sr.CR3 = PML4
	sr.CR4 |= cr4PAE
	sr.CR0 |= cr0PE | cr0MP | cr0ET | cr0NE | cr0WP | cr0PG
	sr.EFER |= eferLME | eferLMA
}

// SetupLongMode puts vCPU c into 64-bit ring 0 at entry with RSP = stack
// (BootStack if 0): the boot tables must be in memory (New writes them).
func setupLongMode(c *kvm.VCPU, entry, stack uint64) error {
	sr, err := c.GetSRegs()
	if err != nil {
		return err
	}
	longModeSRegs(&sr)
	if err := c.SetSRegs(sr); err != nil {
		return err
	}
	if stack == 0 {
		stack = BootStack
	}
	return c.SetRegs(kvm.Regs{RIP: entry, RSP: stack, RFLAGS: 2})
}
