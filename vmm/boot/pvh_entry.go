package boot

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// XenElfnotePhys32Entry is XEN_ELFNOTE_PHYS32_ENTRY (xen/include/public/
// elfnote.h): the note, owned by "Xen", whose descriptor is the physical
// address of the 32-bit PVH entry point. Linux emits it from
// arch/x86/platform/pvh/head.S when CONFIG_PVH=y.
const XenElfnotePhys32Entry = 18

// ErrNoPVHNote says the ELF has no XEN_ELFNOTE_PHYS32_ENTRY note: a kernel
// built without CONFIG_PVH.
var ErrNoPVHNote = errors.New("no XEN_ELFNOTE_PHYS32_ENTRY note: kernel not built with CONFIG_PVH")

// PVHEntry returns the PVH entry point of the vmlinux ELF f, read from the
// notes of its PT_NOTE segments.
func PVHEntry(f *elf.File) (uint32, error) {
	for i, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		if p.Filesz > maxNoteBytes {
			return 0, fmt.Errorf("vmlinux: PT_NOTE segment %d is %d bytes, more than %d", i, p.Filesz, maxNoteBytes)
		}
		b, err := io.ReadAll(io.NewSectionReader(p, 0, int64(p.Filesz)))
		if err != nil {
			return 0, fmt.Errorf("vmlinux: reading PT_NOTE segment %d: %w", i, err)
		}
		notes, err := ParseNotes(b)
		if err != nil {
			return 0, fmt.Errorf("vmlinux: PT_NOTE segment %d: %w", i, err)
		}
		if e, ok, err := phys32Entry(notes); ok || err != nil {
			return e, err
		}
	}
	return 0, fmt.Errorf("vmlinux: %w", ErrNoPVHNote)
}

// phys32Entry finds the Xen PHYS32_ENTRY note among notes. Its descriptor
// is 4 bytes in Xen's own kernels and 8 (an address-sized word) in Linux's;
// either way the entry must fit 32 bits.
func phys32Entry(notes []Note) (uint32, bool, error) {
	for _, n := range notes {
		if n.Name != "Xen" || n.Type != XenElfnotePhys32Entry {
			continue
		}
		switch len(n.Desc) {
		case 4:
			return binary.LittleEndian.Uint32(n.Desc), true, nil
		case 8:
			v := binary.LittleEndian.Uint64(n.Desc)
			if v > 0xffffffff {
				return 0, true, fmt.Errorf("vmlinux: PVH entry %#x is above 4 GiB", v)
			}
			return uint32(v), true, nil
		default:
			return 0, true, fmt.Errorf("vmlinux: PVH entry note has a %d-byte descriptor, want 4 or 8", len(n.Desc))
		}
	}
	return 0, false, nil
}
