package loader

// The first check of Load, before debug/elf parses anything: the ELF
// identification and the header's own size and table bounds, so that a
// truncated or foreign file is refused in words that say what is wrong
// (debug/elf says "EOF", or reads a big-endian header backwards and
// complains about its version).

import (
	"encoding/binary"
	"fmt"
	"io"
)

// ehdrSize is the size of an Elf64_Ehdr.
const ehdrSize = 64

// sizer is an io.ReaderAt that knows its length (bytes.Reader, os.File
// through a SectionReader, ...).
type sizer interface{ Size() int64 }

// checkIdent reads the ELF header of r and checks e_ident (magic, class,
// data encoding, version) and, when r knows its size, that the section
// header table lies inside the file.
func checkIdent(r io.ReaderAt) error {
	var h [ehdrSize]byte
	n, err := r.ReadAt(h[:], 0)
	if n < len(h) {
		return fmt.Errorf("ELF header truncated: %d bytes, want %d (%v)", n, len(h), err)
	}
	switch {
	case string(h[:4]) != "\x7fELF":
		return fmt.Errorf("not an ELF file: magic %x", h[:4])
	case h[4] != 2:
		return fmt.Errorf("ELF class %d, want ELFCLASS64 (2)", h[4])
	case h[5] == 2:
		return fmt.Errorf("big-endian object (clang -target bpfeb): %w", ErrUnsupported)
	case h[5] != 1:
		return fmt.Errorf("ELF data encoding %d, want ELFDATA2LSB (1)", h[5])
	case h[6] != 1:
		return fmt.Errorf("ELF version %d in e_ident, want EV_CURRENT (1)", h[6])
	}
	if s, ok := r.(sizer); ok {
		return checkSectionTable(h[:], s.Size())
	}
	return nil
}

// checkSectionTable checks e_shoff, e_shentsize and e_shnum against the
// file's size.
func checkSectionTable(h []byte, size int64) error {
	le := binary.LittleEndian
	shoff, entsize, num := le.Uint64(h[0x28:]), uint64(le.Uint16(h[0x3a:])), uint64(le.Uint16(h[0x3c:]))
	if num == 0 {
		return nil // no sections (or more than 0xff00, counted in section 0: debug/elf checks)
	}
	if entsize != 64 {
		return fmt.Errorf("section header size e_shentsize %d, want 64", entsize)
	}
	if shoff > uint64(size) || num*entsize > uint64(size)-shoff {
		return fmt.Errorf("section header table (e_shoff %#x, %d entries) runs past the end of the %d-byte file", shoff, num, size)
	}
	return nil
}
