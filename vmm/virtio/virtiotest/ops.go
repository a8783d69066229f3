package virtiotest

import "encoding/binary"

// OpSize is the size of one encoded register access for ApplyOps: offset
// le16 (taken modulo 0x140, so config space is reached too), width (modulo
// 9, so 0-8 bytes), value le32, direction (odd: write).
const OpSize = 8

// Op encodes one register access for ApplyOps.
func Op(off uint16, width uint8, v uint32, write bool) []byte {
	b := make([]byte, OpSize)
	binary.LittleEndian.PutUint16(b, off)
	b[2] = width
	binary.LittleEndian.PutUint32(b[3:], v)
	if write {
		b[7] = 1
	}
	return b
}

// ApplyOps replays encoded register accesses against dev, ignoring errors:
// the register-interface fuzz targets of every device use it.
func ApplyOps(dev Transport, ops []byte) {
	for ; len(ops) >= OpSize; ops = ops[OpSize:] {
		off := uint64(binary.LittleEndian.Uint16(ops)) % 0x140
		p := make([]byte, int(ops[2])%9)
		copy(p, ops[3:7])
		if ops[7]&1 == 1 {
			_ = dev.Write(off, p)
		} else {
			_ = dev.Read(off, p)
		}
	}
}

// OpSeeds are seed sequences: a notify, a reset and re-initialisation,
// odd widths, queue setup in the wrong state, an interrupt ack, config
// reads and writes.
func OpSeeds() [][]byte {
	cat := func(ops ...[]byte) []byte {
		var b []byte
		for _, o := range ops {
			b = append(b, o...)
		}
		return b
	}
	return [][]byte{
		cat(Op(0x50, 4, 0, true), Op(0x60, 4, 0, false), Op(0x64, 4, 1, true)),
		cat(Op(0x70, 4, 0, true), Op(0x70, 4, 1, true), Op(0x70, 4, 3, true), Op(0x24, 4, 1, true), Op(0x20, 4, 1, true),
			Op(0x70, 4, 11, true), Op(0x38, 4, 3, true), Op(0x44, 4, 1, true), Op(0x70, 4, 15, true), Op(0x50, 4, 0, true)),
		cat(Op(0x00, 2, 0, false), Op(0x71, 4, 1, true), Op(0x100, 8, 0, false), Op(0x13f, 1, 7, true)),
		cat(Op(0x30, 4, 0xffffffff, true), Op(0x34, 4, 0, false), Op(0x50, 4, 0xffffffff, true), Op(0x70, 4, 0x80, true)),
	}
}
