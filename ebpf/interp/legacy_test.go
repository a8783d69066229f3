package interp

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

func TestLegacyPacketLoads(t *testing.T) {
	pkt := []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}
	for _, tc := range []struct {
		name string
		prog []ebpf.Instruction
		want uint64
	}{
		{"ldabsb", prog(mov(0, -1), ldAbs(szB, 3), exit()), 0x44},
		{"ldabsh is big-endian", prog(ldAbs(szH, 1), exit()), 0x2233},
		{"ldabsw is big-endian", prog(ldAbs(szW, 4), exit()), 0x55667788},
		{"ldindb", prog(mov(2, 5), ldInd(szB, 2, 1), exit()), 0x77},
		{"ldindh", prog(mov(2, 2), ldInd(szH, 2, 0), exit()), 0x3344},
		{"ldindw adds in 32 bits", prog(lddw(2, 0x100000002), ldInd(szW, 2, 2), exit()), 0x55667788},
		{"result replaces r0", prog(lddw(0, allOnes), ldAbs(szB, 0), exit()), 0x11},
		// Out of the packet: the program ends at once with r0 = 0.
		{"ldabsw past the end", prog(mov(0, 7), ldAbs(szW, 5), mov(0, 9), exit()), 0},
		{"ldabsb negative", prog(mov(0, 7), ldAbs(szB, -1), exit()), 0},
		{"ldindh negative sum", prog(mov(0, 7), mov(2, -4), ldInd(szH, 2, 2), exit()), 0},
		{"ldindb huge index", prog(mov(0, 7), lddw(2, 0x7fffffff), ldInd(szB, 2, 0), exit()), 0},
		{"in a callee, ends the program", prog(mov(0, 7), callLocal(2), mov(0, 9), exit(), ldAbs(szB, 100), exit()), 0},
	} {
		if got := run(t, tc.prog, pkt, Options{}); got != tc.want {
			t.Errorf("%s: r0 = %#x, want %#x", tc.name, got, tc.want)
		}
	}
}
