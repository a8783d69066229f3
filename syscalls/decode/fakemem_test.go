package decode

import (
	"encoding/binary"
	"errors"
)

// fakeMem is a tracee's memory made of regions; a read outside them
// fails with EFAULT after the bytes it could read, like process_vm_readv.
type fakeMem map[uint64][]byte

var errFault = errors.New("EFAULT")

func (m fakeMem) ReadMemory(addr uint64, p []byte) (int, error) {
	for base, b := range m {
		if addr >= base && addr < base+uint64(len(b)) {
			n := copy(p, b[addr-base:])
			if n < len(p) {
				return n, errFault
			}
			return n, nil
		}
	}
	return 0, errFault
}

// blob builds a little-endian structure.
type blob []byte

func (b blob) u64(v ...uint64) blob {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

func (b blob) u32(v ...uint32) blob {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

func (b blob) u16(v ...uint16) blob {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func (b blob) raw(s string) blob { return append(b, s...) }

func (b blob) pad(n int) blob { return append(b, make([]byte, n)...) }

// cstr is s with its NUL.
func cstr(s string) []byte { return append([]byte(s), 0) }
