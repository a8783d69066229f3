package interp

// Short names for instruction fields, shared by the per-family tests.

import (
	"math"
	"slices"

	"github.com/deepsys/deepsys/ebpf"
)

// toExit as a jump offset stands for the assembler's "exit" label: the
// program's last instruction. fixExits resolves it.
const toExit = math.MinInt16

func fixExits(insns []ebpf.Instruction) []ebpf.Instruction {
	out := slices.Clone(insns)
	p := ebpf.NewProgram(out)
	last := p.Slot(len(out) - 1)
	for i := range out {
		if out[i].Offset == toExit {
			out[i].Offset = int16(last - p.Slot(i) - 1)
		}
	}
	return out
}

const (
	szB  = ebpf.SizeB
	szH  = ebpf.SizeH
	szW  = ebpf.SizeW
	szDW = ebpf.SizeDW
	jmp  = ebpf.ClassJMP
	j32  = ebpf.ClassJMP32
)

// bitsByte is the ldxb/lsh pair of ldxb-all.data for register r.
func bitsByte(r uint8, off int16, shift int32) []ebpf.Instruction {
	return prog(ldx(szB, r, 0, off), a64(ebpf.ALULsh, r, shift))
}

// ldxbAll is ldxb-all.data: r9..r1 = byte k << 4k, r0 = byte 9 << 36, or.
func ldxbAll() []ebpf.Instruction {
	p := prog(movx(0, 1))
	for k := range 9 {
		p = append(p, bitsByte(uint8(9-k), int16(k), int32(4*k))...)
	}
	p = append(p, ldx(szB, 0, 0, 9), a64(ebpf.ALULsh, 0, 36))
	for r := uint8(1); r <= 9; r++ {
		p = append(p, a64x(ebpf.ALUOr, 0, r))
	}
	return append(p, exit())
}

// stxbChain is stxb-chain.data: copy byte k to k+1 through r9..r1.
func stxbChain() []ebpf.Instruction {
	p := prog(movx(0, 1))
	for k := range 9 {
		r := uint8(9 - k)
		p = append(p, ldx(szB, r, 0, int16(k)), stx(szB, 0, r, int16(k+1)))
	}
	return append(p, ldx(szB, 0, 0, 9), exit())
}
