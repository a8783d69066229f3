package interp

import (
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// conditions are RFC 9669 §4.3's conditional jumps, each with the
// comparison it makes in 64 and in 32 bits.
var conditions = []struct {
	op  ebpf.JumpOp
	c64 func(a, b uint64) bool
	c32 func(a, b uint32) bool
}{
	{ebpf.JumpEq, func(a, b uint64) bool { return a == b }, func(a, b uint32) bool { return a == b }},
	{ebpf.JumpNE, func(a, b uint64) bool { return a != b }, func(a, b uint32) bool { return a != b }},
	{ebpf.JumpSet, func(a, b uint64) bool { return a&b != 0 }, func(a, b uint32) bool { return a&b != 0 }},
	{ebpf.JumpGT, func(a, b uint64) bool { return a > b }, func(a, b uint32) bool { return a > b }},
	{ebpf.JumpGE, func(a, b uint64) bool { return a >= b }, func(a, b uint32) bool { return a >= b }},
	{ebpf.JumpLT, func(a, b uint64) bool { return a < b }, func(a, b uint32) bool { return a < b }},
	{ebpf.JumpLE, func(a, b uint64) bool { return a <= b }, func(a, b uint32) bool { return a <= b }},
	{ebpf.JumpSGT, func(a, b uint64) bool { return int64(a) > int64(b) }, func(a, b uint32) bool { return int32(a) > int32(b) }},
	{ebpf.JumpSGE, func(a, b uint64) bool { return int64(a) >= int64(b) }, func(a, b uint32) bool { return int32(a) >= int32(b) }},
	{ebpf.JumpSLT, func(a, b uint64) bool { return int64(a) < int64(b) }, func(a, b uint32) bool { return int32(a) < int32(b) }},
	{ebpf.JumpSLE, func(a, b uint64) bool { return int64(a) <= int64(b) }, func(a, b uint32) bool { return int32(a) <= int32(b) }},
}

// operandPairs make 64- and 32-bit, signed and unsigned answers differ.
var operandPairs = [][2]uint64{
	{1, 1}, {1, 2}, {2, 1}, {0x100000001, 2}, {2, 0x100000001}, {allOnes, 1}, {1, allOnes},
	{0xffffffff, 1}, {intMin64, intMin64 - 1}, {0x80000000, 0x7fffffff}, {0, 0},
}

// branchProg returns 1 if jump is taken, else 0.
func branchProg(a, b uint64, jump ebpf.Instruction) []ebpf.Instruction {
	return prog(lddw(1, a), lddw(2, b), mov(0, 0), jump, exit(), mov(0, 1), exit())
}

func TestConditionalJumps(t *testing.T) {
	for _, c := range conditions {
		for _, pair := range operandPairs {
			a, b := pair[0], pair[1]
			bK := uint64(int64(int32(b))) // what imm b becomes, sign-extended
			for _, tc := range []struct {
				form string
				jump ebpf.Instruction
				want bool
			}{
				{"x", jX(ebpf.ClassJMP, c.op, 1, 2, 1), c.c64(a, b)},
				{"k", jK(ebpf.ClassJMP, c.op, 1, int32(b), 1), c.c64(a, bK)},
				{"32x", jX(ebpf.ClassJMP32, c.op, 1, 2, 1), c.c32(uint32(a), uint32(b))},
				{"32k", jK(ebpf.ClassJMP32, c.op, 1, int32(b), 1), c.c32(uint32(a), uint32(b))},
			} {
				want := uint64(0)
				if tc.want {
					want = 1
				}
				name := fmt.Sprintf("%s%s(%#x,%#x)", ebpf.OpcodeName(tc.jump.Opcode), tc.form, a, b)
				if got := run(t, branchProg(a, b, tc.jump), nil, Options{}); got != want {
					t.Errorf("%s: taken = %d, want %d", name, got, want)
				}
			}
		}
	}
}

func TestUnconditionalJumps(t *testing.T) {
	runCases(t, []progCase{
		{"ja skips", prog(mov(0, 1), ja(1), mov(0, 2), exit()), 1},
		{"ja over lddw counts two slots", prog(mov(0, 1), ja(2), lddw(0, 9), exit()), 1},
		{"gotol", prog(mov(0, 1), gotol(1), mov(0, 2), exit()), 1},
		{"gotol backwards", prog(mov(0, 0), ja(2), a64(ebpf.ALUAdd, 0, 5), exit(), gotol(-3)), 5},
		{"loop sums 1..100", prog(
			mov(0, 0), mov(1, 100),
			a64x(ebpf.ALUAdd, 0, 1), a64(ebpf.ALUSub, 1, 1), jK(ebpf.ClassJMP, ebpf.JumpNE, 1, 0, -3),
			exit()), 5050},
		{"exit not last", prog(mov(0, 3), exit(), mov(0, 4), exit()), 3},
	})
}
