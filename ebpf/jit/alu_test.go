package jit

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// values are the operands the arithmetic and jump tests try: zero, small,
// shift counts at the width edges, the 32- and 64-bit sign boundaries.
var values = []uint64{
	0, 1, 2, 7, 31, 32, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32,
	1<<63 - 1, 1 << 63, 0xffffffff80000000, ^uint64(0), ^uint64(6), 0x0123456789abcdef, 0xfedcba9876543210,
}

// immediates are the int32 values among them, as immediates.
var immediates = []int32{0, 1, 2, 7, 31, 32, 63, 64, 0x7fffffff, -0x80000000, -1, -7, 0x12345}

// registerProbe wraps one instruction so that the test sees every
// register: r0-r9 start from the context (8 bytes each, the context
// pointer kept at r10-128), and after the instruction all ten go back to
// the context at offset 80. A wrong result or a clobbered register shows
// up as a difference in the context.
func registerProbe(body string) string {
	var b strings.Builder
	b.WriteString("stxdw [%r10-128], %r1\n")
	for _, r := range []int{0, 2, 3, 4, 5, 6, 7, 8, 9, 1} {
		fmt.Fprintf(&b, "ldxdw %%r%d, [%%r1+%d]\n", r, 8*r)
	}
	b.WriteString(body + "\n")
	for r := range 10 {
		fmt.Fprintf(&b, "stxdw [%%r10-%d], %%r%d\n", 8*(r+1), r)
	}
	b.WriteString("ldxdw %r1, [%r10-128]\n")
	for r := range 10 {
		fmt.Fprintf(&b, "ldxdw %%r2, [%%r10-%d]\nstxdw [%%r1+%d], %%r2\n", 8*(r+1), 80+8*r)
	}
	b.WriteString("mov %r0, 0\nexit\n")
	return b.String()
}

// registerContext is the context of registerProbe: rd = d, rs = s, every
// other register a distinct value.
func registerContext(dst, src int, d, s uint64) []byte {
	ctx := make([]byte, 160)
	for r := range 10 {
		binary.LittleEndian.PutUint64(ctx[8*r:], 0x1111111111111111*uint64(r+1))
	}
	binary.LittleEndian.PutUint64(ctx[8*src:], s)
	binary.LittleEndian.PutUint64(ctx[8*dst:], d)
	return ctx
}

// registerPairs are (dst, src) pairs: ordinary registers, r2 (in RCX,
// which shifts need) on either side, dst = src, r10 as the source.
var registerPairs = [][2]int{{3, 4}, {2, 5}, {6, 2}, {7, 7}, {2, 2}, {0, 9}, {8, 10}}

func aluMnemonics(suffix string) []string {
	var ms []string
	for _, op := range []string{"add", "sub", "mul", "div", "sdiv", "or", "and", "lsh", "rsh", "mod", "smod", "xor", "mov", "arsh"} {
		ms = append(ms, op+suffix)
	}
	return ms
}

// TestALU runs every arithmetic instruction, both widths, register and
// immediate forms, over values and register pairs, on both engines.
func TestALU(t *testing.T) {
	for _, suffix := range []string{"", "32"} {
		for _, m := range aluMnemonics(suffix) {
			for _, pair := range registerPairs {
				probeRegisters(t, fmt.Sprintf("%s %%r%d, %%r%d", m, pair[0], pair[1]), pair[0], pair[1])
			}
			for _, imm := range immediates {
				probeRegisters(t, fmt.Sprintf("%s %%r3, %d", m, imm), 3, 3)
				probeRegisters(t, fmt.Sprintf("%s %%r2, %d", m, imm), 2, 2)
			}
		}
	}
}

// TestUnaryAndMoves: neg, the byte swaps, sign-extending moves.
func TestUnaryAndMoves(t *testing.T) {
	for _, body := range []string{"neg %r3", "neg32 %r3", "neg %r2"} {
		probeRegisters(t, body, 3, 3)
	}
	for _, w := range []int{16, 32, 64} {
		for _, op := range []string{"le", "be", "bswap"} {
			probeRegisters(t, fmt.Sprintf("%s%d %%r3", op, w), 3, 3)
			probeRegisters(t, fmt.Sprintf("%s%d %%r1", op, w), 1, 1)
		}
	}
	for _, m := range []string{"movsx832", "movsx1632", "movsx864", "movsx1664", "movsx3264"} {
		for _, pair := range registerPairs {
			probeRegisters(t, fmt.Sprintf("%s %%r%d, %%r%d", m, pair[0], pair[1]), pair[0], pair[1])
		}
		probeRegisters(t, m+" %r1, %r3", 1, 3) // SIL needs a REX prefix
	}
}

// TestJumps runs every conditional jump, both widths and forms.
func TestJumps(t *testing.T) {
	for _, suffix := range []string{"", "32"} {
		for _, j := range []string{"jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "jlt", "jle", "jslt", "jsle"} {
			taken := "\njne %r0, 12345, +2\nmov %r0, 1\nja +1\nmov %r0, 2"
			for _, pair := range [][2]int{{3, 4}, {2, 2}, {10, 2}, {4, 10}} {
				probeRegisters(t, fmt.Sprintf("mov %%r0, 12345\n%s%s %%r%d, %%r%d, +1\nmov %%r0, 0%s", j, suffix, pair[0], pair[1], taken), pair[0], pair[1])
			}
			for _, imm := range immediates {
				probeRegisters(t, fmt.Sprintf("mov %%r0, 12345\n%s%s %%r3, %d, +1\nmov %%r0, 0%s", j, suffix, imm, taken), 3, 3)
			}
		}
	}
}

// probeRegisters compiles registerProbe(body) once per engine and runs it
// over every pair of values in rdst and rsrc.
func probeRegisters(t *testing.T, body string, dst, src int) {
	t.Helper()
	insns := mustAssemble(t, registerProbe(body))
	ip, err := interp.Compile(insns, interp.Options{})
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	jp, err := Compile(insns, Options{})
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	defer jp.Close()
	for _, d := range values {
		for _, s := range values {
			if dst == src && d != s || src == 10 && s != 0 {
				continue
			}
			ctx := registerContext(dst, src%10, d, s)
			var want, got outcome
			want.ctx, got.ctx = ctx, append([]byte(nil), ctx...)
			want.r0, want.err = ip.Run(want.ctx)
			got.r0, got.err = jp.Run(got.ctx)
			if diff := differ(want, got); diff != "" {
				t.Fatalf("%s with r%d = %#x, r%d = %#x: %s", body, dst, d, src, s, diff)
			}
		}
	}
}
