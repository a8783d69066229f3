package interp

// Legacy packet loads, RFC 9669 §5.5 (the "packet" conformance group,
// carried over from classic BPF): r0 = the big-endian 1, 2 or 4 bytes at
// packet offset imm (ABS) or src + imm (IND), zero-extended.
//
// The packet is the one RunPacket mapped (packet.go), or else the context
// given to Run (the conformance suites' convention). As in the kernel (which rewrites
// these instructions into calls of bpf_skb_load_helper_{8,16,32} followed
// by "if r0 s< 0: r0 = 0, exit"), the offset is a signed 32-bit int, and an
// access outside the packet ends the program at once with r0 = 0: this is
// not an error. Not done: the kernel's negative offsets SKF_NET_OFF and
// SKF_LL_OFF into the link and network headers (here they are outside the
// packet), and clobbering r1-r5, which the kernel's rewrite does and its
// verifier hides by marking them unreadable.

import "encoding/binary"

// legacyLoad performs in and reports whether it stayed inside the packet.
func (m *machine) legacyLoad(in *inst) bool {
	off := uint32(in.imm)
	if in.op >= opLdIndB {
		off += uint32(m.regs[in.src&15])
	}
	n := legacySizes[(in.op-opLdAbsB)%3]
	pkt := m.mem.legacyPacket()
	if int32(off) < 0 || uint64(off)+n > uint64(len(pkt)) {
		return false
	}
	b := pkt[off : uint64(off)+n]
	switch n {
	case 1:
		m.regs[0] = uint64(b[0])
	case 2:
		m.regs[0] = uint64(binary.BigEndian.Uint16(b))
	default:
		m.regs[0] = uint64(binary.BigEndian.Uint32(b))
	}
	return true
}

// legacySizes follows the order opLdAbsB, opLdAbsH, opLdAbsW.
var legacySizes = [3]uint64{1, 2, 4}
