package decode

import (
	"bytes"
	"encoding/binary"
)

// maxRead bounds any one read of tracee memory: registers are untrusted,
// and a length of 2^63 must cost nothing.
const maxRead = 1 << 16

// readFull reads exactly n bytes at addr, or reports false: a nil Memory,
// a NULL or failing address, a short read and an oversized n all fail.
func readFull(mem Memory, addr uint64, n int) ([]byte, bool) {
	if mem == nil || addr == 0 || n < 0 || n > maxRead {
		return nil, false
	}
	if n == 0 {
		return []byte{}, true
	}
	p := make([]byte, n)
	got, err := mem.ReadMemory(addr, p)
	if err != nil || got != n {
		return nil, false
	}
	return p, true
}

// readU64 and readU32 read one little-endian word.
func readU64(mem Memory, addr uint64) (uint64, bool) {
	b, ok := readFull(mem, addr, 8)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}

func readU32(mem Memory, addr uint64) (uint32, bool) {
	b, ok := readFull(mem, addr, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

// readCString reads a NUL-terminated string at addr of at most limit
// bytes (without the NUL). It reads in chunks that start small (most
// strings are short, and each read of a tracee is a syscall) and never
// cross a page, so a string that ends just before an unmapped page is
// still read; complete says the NUL was found.
func readCString(mem Memory, addr uint64, limit int) (s []byte, complete, ok bool) {
	if mem == nil || addr == 0 {
		return nil, false, false
	}
	for size := 128; len(s) <= limit; size = min(size*2, 4096) {
		chunk := min(size, 4096-int(addr%4096), limit+1-len(s))
		p := make([]byte, chunk)
		n, err := mem.ReadMemory(addr, p)
		n = min(max(n, 0), chunk)
		if i := bytes.IndexByte(p[:n], 0); i >= 0 { // a partial read that reached the NUL is enough
			return append(s, p[:i]...), true, true
		}
		if err != nil || n == 0 {
			return nil, false, false
		}
		s = append(s, p[:n]...)
		addr += uint64(n)
		if addr < uint64(n) { // wrapped around the address space
			return nil, false, false
		}
	}
	return s[:limit], false, true
}

// le is the byte order of every x86-64 structure.
var le = binary.LittleEndian
