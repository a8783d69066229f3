package boot

import (
	"encoding/binary"
	"fmt"
)

// struct hvm_start_info and its tables (xen/include/public/arch-x86/hvm/
// start_info.h, version 1).
const (
	StartInfoMagic   = 0x336ec578
	startInfoVersion = 1
	startInfoSize    = 56 // magic, version, flags, nr_modules (4 each); modlist, cmdline, rsdp, memmap (8 each); memmap_entries, reserved (4 each)
	memmapEntrySize  = 24 // hvm_memmap_table_entry: addr, size (8 each), type, reserved (4 each)
	modlistEntrySize = 32 // hvm_modlist_entry: paddr, size, cmdline_paddr, reserved (8 each)
)

// StartInfo is the content of hvm_start_info with its tables inline; Build
// lays it out at one guest address.
type StartInfo struct {
	CmdLine uint64 // guest address of the NUL-terminated command line, 0 for none
	RSDP    uint64 // guest address of the ACPI RSDP, 0 for none
	Modules []Module
	Memmap  []E820Entry
}

// Module is one hvm_modlist_entry: for Linux, the first module is the initrd.
type Module struct {
	Addr, Size uint64
}

// Build returns the bytes of hvm_start_info at guest address at, followed by
// the module list and then the memory map its fields point at.
func (s StartInfo) Build(at uint64) ([]byte, error) {
	if len(s.Memmap) == 0 || len(s.Memmap) > 1024 {
		return nil, fmt.Errorf("hvm_start_info: %d memmap entries, want 1..1024", len(s.Memmap))
	}
	if len(s.Modules) > 16 {
		return nil, fmt.Errorf("hvm_start_info: %d modules, want at most 16", len(s.Modules))
	}
	modAt := uint64(startInfoSize)
	mapAt := modAt + uint64(len(s.Modules))*modlistEntrySize
	b := make([]byte, mapAt+uint64(len(s.Memmap))*memmapEntrySize)
	le := binary.LittleEndian
	le.PutUint32(b[0:], StartInfoMagic)
	le.PutUint32(b[4:], startInfoVersion)
	le.PutUint32(b[12:], uint32(len(s.Modules)))
	if len(s.Modules) > 0 {
		le.PutUint64(b[16:], at+modAt)
	}
	le.PutUint64(b[24:], s.CmdLine)
	le.PutUint64(b[32:], s.RSDP)
	le.PutUint64(b[40:], at+mapAt)
	le.PutUint32(b[48:], uint32(len(s.Memmap)))
	for i, m := range s.Modules {
		o := modAt + uint64(i)*modlistEntrySize
		le.PutUint64(b[o:], m.Addr)
		le.PutUint64(b[o+8:], m.Size)
	}
	for i, e := range s.Memmap {
		o := mapAt + uint64(i)*memmapEntrySize
		le.PutUint64(b[o:], e.Addr)
		le.PutUint64(b[o+8:], e.Size)
		le.PutUint32(b[o+16:], e.Type)
	}
	return b, nil
}
