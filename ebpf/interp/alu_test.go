package interp

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

const (
	intMin64 = 0x8000000000000000
	allOnes  = 0xffffffffffffffff
)

type progCase struct {
	name string
	prog []ebpf.Instruction
	want uint64
}

func runCases(t *testing.T, cases []progCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(t, tc.prog, nil, Options{}); got != tc.want {
				t.Errorf("r0 = %#x, want %#x", got, tc.want)
			}
		})
	}
}

// r0op builds "r0 = a; r1 = b; <ins>; exit" with 64-bit constants.
func r0op(a, b uint64, ins ebpf.Instruction) []ebpf.Instruction {
	return prog(lddw(0, a), lddw(1, b), ins, exit())
}

func TestALU64(t *testing.T) {
	runCases(t, []progCase{
		{"add wraps", r0op(allOnes, 2, a64x(ebpf.ALUAdd, 0, 1)), 1},
		{"add imm sign-extends", r0op(5, 0, a64(ebpf.ALUAdd, 0, -1)), 4},
		{"sub", r0op(3, 5, a64x(ebpf.ALUSub, 0, 1)), allOnes - 1},
		{"mul", r0op(0x100000000, 0x10, a64x(ebpf.ALUMul, 0, 1)), 0x1000000000},
		{"div", r0op(100, 7, a64x(ebpf.ALUDiv, 0, 1)), 14},
		{"div by zero", r0op(100, 0, a64x(ebpf.ALUDiv, 0, 1)), 0},
		{"div by zero imm", r0op(100, 0, a64(ebpf.ALUDiv, 0, 0)), 0},
		{"div imm is unsigned after sign extension", r0op(allOnes, 0, a64(ebpf.ALUDiv, 0, -1)), 1},
		{"sdiv", r0op(-100&allOnes, 7, signed(a64x(ebpf.ALUDiv, 0, 1), 1)), -14 & allOnes},
		{"sdiv overflow", r0op(intMin64, allOnes, signed(a64x(ebpf.ALUDiv, 0, 1), 1)), intMin64},
		{"sdiv by zero", r0op(5, 0, signed(a64(ebpf.ALUDiv, 0, 0), 1)), 0},
		{"mod", r0op(100, 7, a64x(ebpf.ALUMod, 0, 1)), 2},
		{"mod by zero keeps dst", r0op(allOnes, 0, a64x(ebpf.ALUMod, 0, 1)), allOnes},
		{"smod truncates", r0op(-13&allOnes, 3, signed(a64x(ebpf.ALUMod, 0, 1), 1)), -1 & allOnes},
		{"smod overflow", r0op(intMin64, 0, signed(a64(ebpf.ALUMod, 0, -1), 1)), 0},
		{"smod by zero keeps dst", r0op(-7&allOnes, 0, signed(a64x(ebpf.ALUMod, 0, 1), 1)), -7 & allOnes},
		{"or", r0op(0xf0, 0x0f, a64x(ebpf.ALUOr, 0, 1)), 0xff},
		{"and imm sign-extends", r0op(allOnes, 0, a64(ebpf.ALUAnd, 0, -2)), allOnes - 1},
		{"xor", r0op(0xff, 0x0f, a64x(ebpf.ALUXor, 0, 1)), 0xf0},
		{"lsh", r0op(1, 63, a64x(ebpf.ALULsh, 0, 1)), intMin64},
		{"lsh masks count", r0op(1, 65, a64x(ebpf.ALULsh, 0, 1)), 2},
		{"lsh imm masks count", r0op(1, 0, a64(ebpf.ALULsh, 0, 68)), 16},
		{"lsh negative imm", r0op(1, 0, a64(ebpf.ALULsh, 0, -1)), intMin64},
		{"rsh is logical", r0op(intMin64, 63, a64x(ebpf.ALURsh, 0, 1)), 1},
		{"arsh is arithmetic", r0op(intMin64, 63, a64x(ebpf.ALUArsh, 0, 1)), allOnes},
		{"arsh imm masks", r0op(intMin64, 0, a64(ebpf.ALUArsh, 0, 127)), allOnes},
		{"neg", r0op(1, 0, a64(ebpf.ALUNeg, 0, 0)), allOnes},
		{"neg intmin", r0op(intMin64, 0, a64(ebpf.ALUNeg, 0, 0)), intMin64},
		{"mov imm sign-extends", prog(mov(0, -1), exit()), allOnes},
		{"mov reg", r0op(0, 0x123456789, a64x(ebpf.ALUMov, 0, 1)), 0x123456789},
		{"movsx 8", r0op(0, 0x1ff, signed(a64x(ebpf.ALUMov, 0, 1), 8)), allOnes},
		{"movsx 16", r0op(0, 0x7fff8000, signed(a64x(ebpf.ALUMov, 0, 1), 16)), 0xffffffffffff8000},
		{"movsx 32", r0op(0, 0x180000000, signed(a64x(ebpf.ALUMov, 0, 1), 32)), 0xffffffff80000000},
		{"movsx 32 positive", r0op(0, 0xf7fffffff, signed(a64x(ebpf.ALUMov, 0, 1), 32)), 0x7fffffff},
		{"lddw", prog(lddw(0, 0x1122334455667788), exit()), 0x1122334455667788},
	})
}

func TestALU32(t *testing.T) {
	const hi = 0xdead_beef_0000_0000 // upper halves that must disappear
	runCases(t, []progCase{
		{"add zero-extends", r0op(hi|0xffffffff, 2, a32x(ebpf.ALUAdd, 0, 1)), 1},
		{"sub", r0op(hi|3, 5, a32x(ebpf.ALUSub, 0, 1)), 0xfffffffe},
		{"mul", r0op(hi|0x10000, 0x10000, a32x(ebpf.ALUMul, 0, 1)), 0},
		{"div", r0op(hi|100, 7, a32x(ebpf.ALUDiv, 0, 1)), 14},
		{"div ignores the divisor's upper half", r0op(1, 0x100000000, a32x(ebpf.ALUDiv, 0, 1)), 0},
		{"div imm is unsigned", r0op(0xfffffffe, 0, a32(ebpf.ALUDiv, 0, -1)), 0},
		{"sdiv", r0op(-100&allOnes, 7, signed(a32x(ebpf.ALUDiv, 0, 1), 1)), 0xfffffff2},
		{"sdiv overflow", r0op(0x80000000, 0, signed(a32(ebpf.ALUDiv, 0, -1), 1)), 0x80000000},
		{"sdiv by zero", r0op(hi|9, 0, signed(a32(ebpf.ALUDiv, 0, 0), 1)), 0},
		{"mod", r0op(hi|100, 7, a32x(ebpf.ALUMod, 0, 1)), 2},
		{"mod of a 64-bit value", r0op(0x100000003, 0, a32(ebpf.ALUMod, 0, 3)), 0},
		{"mod by zero truncates dst", r0op(hi|7, 0, a32x(ebpf.ALUMod, 0, 1)), 7},
		{"smod by zero truncates dst", r0op(-10&allOnes, 0, signed(a32x(ebpf.ALUMod, 0, 1), 1)), 0xfffffff6},
		{"smod", r0op(-13&allOnes, 3, signed(a32x(ebpf.ALUMod, 0, 1), 1)), 0xffffffff},
		{"smod overflow", r0op(0x80000000, allOnes, signed(a32x(ebpf.ALUMod, 0, 1), 1)), 0},
		{"or", r0op(hi|0xf0, 0x0f, a32x(ebpf.ALUOr, 0, 1)), 0xff},
		{"and", r0op(hi|0xff, 0x0f, a32(ebpf.ALUAnd, 0, 0x3c)), 0x3c},
		{"xor", r0op(hi, 0, a32(ebpf.ALUXor, 0, -1)), 0xffffffff},
		{"lsh masks count", r0op(1, 33, a32x(ebpf.ALULsh, 0, 1)), 2},
		{"lsh imm masks", r0op(1, 0, a32(ebpf.ALULsh, 0, 35)), 8},
		{"rsh", r0op(hi|0x80000000, 31, a32x(ebpf.ALURsh, 0, 1)), 1},
		{"rsh negative imm", r0op(0x80000000, 0, a32(ebpf.ALURsh, 0, -1)), 1},
		{"arsh", r0op(hi|0x80000000, 31, a32x(ebpf.ALUArsh, 0, 1)), 0xffffffff},
		{"arsh imm masks", r0op(0x80000000, 0, a32(ebpf.ALUArsh, 0, 63)), 0xffffffff},
		{"neg", r0op(hi|1, 0, a32(ebpf.ALUNeg, 0, 0)), 0xffffffff},
		{"mov imm zero-extends", prog(a32(ebpf.ALUMov, 0, -1), exit()), 0xffffffff},
		{"mov reg truncates", r0op(0, hi|5, a32x(ebpf.ALUMov, 0, 1)), 5},
		{"movsx 8", r0op(0, 0x80, signed(a32x(ebpf.ALUMov, 0, 1), 8)), 0xffffff80},
		{"movsx 16", r0op(0, hi|0x8000, signed(a32x(ebpf.ALUMov, 0, 1), 16)), 0xffff8000},
	})
}

func TestByteOrder(t *testing.T) {
	const v = 0x0123456789abcdef
	runCases(t, []progCase{
		{"le16 truncates", r0op(v, 0, end(ebpf.ClassALU, ebpf.ToLE, 0, 16)), 0xcdef},
		{"le32", r0op(v, 0, end(ebpf.ClassALU, ebpf.ToLE, 0, 32)), 0x89abcdef},
		{"le64", r0op(v, 0, end(ebpf.ClassALU, ebpf.ToLE, 0, 64)), v},
		{"be16", r0op(v, 0, end(ebpf.ClassALU, ebpf.ToBE, 0, 16)), 0xefcd},
		{"be32", r0op(v, 0, end(ebpf.ClassALU, ebpf.ToBE, 0, 32)), 0xefcdab89},
		{"be64", r0op(v, 0, end(ebpf.ClassALU, ebpf.ToBE, 0, 64)), 0xefcdab8967452301},
		{"bswap16", r0op(v, 0, end(ebpf.ClassALU64, ebpf.ToLE, 0, 16)), 0xefcd},
		{"bswap32", r0op(v, 0, end(ebpf.ClassALU64, ebpf.ToLE, 0, 32)), 0xefcdab89},
		{"bswap64", r0op(v, 0, end(ebpf.ClassALU64, ebpf.ToLE, 0, 64)), 0xefcdab8967452301},
	})
}
