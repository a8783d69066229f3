package boot

import (
	"encoding/binary"
	"fmt"
)

// Note is one ELF note (System V ABI, "Note Section"): a name such as "Xen"
// or "Linux", a type, and a descriptor whose meaning the pair defines.
type Note struct {
	Name string
	Type uint32
	Desc []byte
}

// maxNoteBytes bounds the PT_NOTE contents read from a file; the Linux
// kernel's are about 500 bytes.
const maxNoteBytes = 1 << 20

// ParseNotes decodes a sequence of 64-bit ELF notes: each a header of three
// 32-bit words (namesz, descsz, type), then the name and the descriptor,
// each padded to 4 bytes. A note running past the end is an error naming its
// offset.
func ParseNotes(b []byte) ([]Note, error) {
	var notes []Note
	for off := 0; off < len(b); {
		if len(b)-off < 12 {
			return nil, fmt.Errorf("ELF note at %#x: %d bytes left, header needs 12", off, len(b)-off)
		}
		namesz := uint64(binary.LittleEndian.Uint32(b[off:]))
		descsz := uint64(binary.LittleEndian.Uint32(b[off+4:]))
		typ := binary.LittleEndian.Uint32(b[off+8:])
		nameEnd := uint64(off) + 12 + namesz
		descStart := align4(nameEnd)
		descEnd := descStart + descsz
		if descEnd > uint64(len(b)) {
			return nil, fmt.Errorf("ELF note at %#x: namesz %d, descsz %d run past the %d bytes of notes", off, namesz, descsz, len(b))
		}
		name := b[off+12 : nameEnd]
		if n := len(name); n > 0 && name[n-1] == 0 {
			name = name[:n-1]
		}
		notes = append(notes, Note{Name: string(name), Type: typ, Desc: b[descStart:descEnd]})
		off = int(min(align4(descEnd), uint64(len(b))))
	}
	return notes, nil
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }
