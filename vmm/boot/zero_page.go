package boot

import (
	"encoding/binary"
	"fmt"
)

// Offsets in struct boot_params (Documentation/arch/x86/zero-page.rst) of
// the fields outside the setup header that a 64-bit loader fills.
const (
	offACPIRSDPAddr    = 0x070
	offExtRamdiskImage = 0x0c0
	offExtRamdiskSize  = 0x0c4
	offExtCmdLinePtr   = 0x0c8
	// ZeroPageSize is sizeof(struct boot_params).
	ZeroPageSize = pageSize
)

// ZeroPage is what goes into struct boot_params besides the kernel's own
// setup header.
type ZeroPage struct {
	CmdLine     uint64 // guest address of the NUL-terminated command line
	RamdiskAddr uint64 // guest address of the initrd, 0 for none
	RamdiskSize uint64
	RSDP        uint64 // acpi_rsdp_addr (protocol 2.14+), 0 to let Linux scan for it
	E820        []E820Entry
}

// BuildZeroPage returns struct boot_params for the kernel whose bzImage is
// file (already validated by ParseSetupHeader): the file's setup header at
// 0x1f1, up to its real end (0x202 + the jump's offset byte), with the loader
// fields set.
func BuildZeroPage(file []byte, zp ZeroPage) ([]byte, error) {
	if len(zp.E820) == 0 || len(zp.E820) > maxE820Zero {
		return nil, fmt.Errorf("zero page: %d e820 entries, want 1..%d", len(zp.E820), maxE820Zero)
	}
	if len(file) < setupHeaderEnd {
		return nil, fmt.Errorf("zero page: bzImage of %d bytes has no setup header", len(file))
	}
	p := make([]byte, ZeroPageSize)
	end := min(offHeader+int(file[offJump+1]), len(file), offE820Tbl)
	copy(p[offSetupSects:end], file[offSetupSects:end])
	le := binary.LittleEndian
	p[offTypeOfLoader] = LoaderUndefined
	p[offLoadflags] |= CanUseHeap
	le.PutUint16(p[offHeapEndPtr:], 0xfe00) // end of the setup heap, relative to the real-mode base (boot.rst)
	lo32(p, offCmdLinePtr, offExtCmdLinePtr, zp.CmdLine)
	lo32(p, offRamdiskImage, offExtRamdiskImage, zp.RamdiskAddr)
	lo32(p, offRamdiskSize, offExtRamdiskSize, zp.RamdiskSize)
	le.PutUint64(p[offACPIRSDPAddr:], zp.RSDP)
	p[offE820Num] = byte(len(zp.E820))
	for i, e := range zp.E820 {
		o := offE820Tbl + i*e820Size
		le.PutUint64(p[o:], e.Addr)
		le.PutUint64(p[o+8:], e.Size)
		le.PutUint32(p[o+16:], e.Type)
	}
	return p, nil
}

// lo32 splits v into the 32-bit field at lo and its ext_ high half at hi
// (zero-page.rst: ext_cmd_line_ptr, ext_ramdisk_image, ext_ramdisk_size).
func lo32(p []byte, lo, hi int, v uint64) {
	binary.LittleEndian.PutUint32(p[lo:], uint32(v))
	binary.LittleEndian.PutUint32(p[hi:], uint32(v>>32))
}
