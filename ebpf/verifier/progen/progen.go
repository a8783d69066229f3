// Package progen generates random eBPF programs for the verifier's
// differential against Linux (`deepsys ebpf verify-diff`, the verifier's
// random tests and fuzz target): small well-formed XDP and TC programs
// made of scalar arithmetic (64- and 32-bit), forward branches, stack
// stores, loads and pointer spills, map lookups and updates with and
// without null checks, packet access with and without bounds checks, at
// constant and variable offsets, bounded loops, helper calls (ring
// buffers, packet-moving and memory-reading helpers) and bpf-to-bpf calls.
//
// Offsets, sizes and checks are mostly in bounds and sometimes one off, so
// that both verdicts occur: a generator whose programs all pass (or all
// fail) would test one side of the verifier only. The same rng gives the
// same program, so a program is named by the rng's seed.
package progen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// Maps are the maps the programs use: MAP0 a hash (4-byte keys, 8-byte
// values), MAP1 an array (16-byte values), MAP2 a ring buffer.
var Maps = []maps.Spec{
	{Name: "hash", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 16},
	{Name: "array", Type: maps.Array, KeySize: 4, ValueSize: 16, MaxEntries: 4},
	{Name: "events", Type: maps.RingBuf, MaxEntries: 4096},
}

// Options control Generate.
type Options struct {
	// Type is the program type, loader.XDP or loader.SchedCLS; 0 draws it
	// from the rng (XDP three times in four).
	Type loader.ProgType
}

// Program is one generated program.
type Program struct {
	Src      string             // the assembly, uBPF syntax, maps as MAPn
	Insns    []ebpf.Instruction // Src assembled; lddw MAPn references Maps[n]
	ProgType loader.ProgType
	Maps     []maps.Spec
}

// Generate draws one program from rng.
func Generate(rng *rand.Rand, opts Options) Program {
	typ := opts.Type
	if typ == 0 {
		typ = loader.XDP
		if rng.IntN(4) == 0 {
			typ = loader.SchedCLS
		}
	}
	src := source(rng, typ)
	return Program{Src: src, Insns: assemble(src), ProgType: typ, Maps: Maps}
}

// assemble assembles src, where "MAPn" is a reference to Maps[n]. The
// generator writes only valid assembly: an error is a bug here.
func assemble(src string) []ebpf.Instruction {
	refs := map[int64]int64{}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		at := strings.Index(l, "MAP")
		if at < 0 {
			continue
		}
		marker := int64(0x7a00_0000+i) << 8
		refs[marker] = int64(l[at+3] - '0')
		lines[i] = l[:at] + fmt.Sprintf("%#x", marker)
	}
	insns, err := asm.Assemble(strings.Join(lines, "\n"))
	if err != nil {
		panic(fmt.Sprintf("progen: assembling:\n%s\n%v", src, err))
	}
	for i := range insns {
		if m, ok := refs[insns[i].Imm64]; ok && insns[i].IsLDDW() {
			insns[i].Src = ebpf.PseudoMapFD
			insns[i].Imm64 = m
			insns[i].Imm = int32(m)
		}
	}
	return insns
}

// source writes a random program in assembly (with MAPn markers, see
// assemble). r6 is the context, r7 data, r8 data_end; r0-r5 and r9 are
// scratch.
func source(rng *rand.Rand, typ loader.ProgType) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	data, end := 0, 4
	if typ != loader.XDP {
		data, end = 76, 80
	}
	p("mov %%r6, %%r1")
	p("ldxw %%r7, [%%r6+%d]", data)
	p("ldxw %%r8, [%%r6+%d]", end)
	scratch := func() {
		for r := 0; r <= 5; r++ {
			p("mov %%r%d, %d", r, rng.IntN(16))
		}
	}
	scratch()
	n := 4 + rng.IntN(12)
	hasFn := false
	label := 0
	reg := func() int { return rng.IntN(6) }
	sizes := []string{"b", "h", "w", "dw"}
	bytes := map[string]int{"b": 1, "h": 2, "w": 4, "dw": 8}
	// inside picks an offset for an access of size in [0, limit): mostly
	// in bounds and aligned, sometimes one off either way.
	inside := func(limit int, size string) int {
		n := bytes[size]
		if rng.IntN(5) == 0 || limit < n {
			return rng.IntN(limit+3) - 2
		}
		return rng.IntN(limit-n+1) / n * n
	}
	for i := 0; i < n; i++ {
		switch rng.IntN(23) {
		case 0: // scalar arithmetic
			ops := []string{"mov", "add", "sub", "and", "or", "lsh", "rsh", "mul", "xor", "arsh"}
			w := []string{"", "32"}[rng.IntN(2)]
			p("%s%s %%r%d, %d", ops[rng.IntN(len(ops))], w, reg(), rng.IntN(40)-8)
		case 1:
			p("mov %%r%d, %%r%d", reg(), reg())
		case 2: // packet access behind a check
			k := 1 + rng.IntN(40)
			size := sizes[rng.IntN(4)]
			off := inside(k, size)
			p("mov %%r9, %%r7")
			p("add %%r9, %d", k)
			op := []string{"jgt %%r9, %%r8, L%d", "jge %%r9, %%r8, L%d", "jlt %%r8, %%r9, L%d", "jle %%r9, %%r8, L%d"}[rng.IntN(4)]
			p(op, label)
			if rng.IntN(2) == 0 {
				p("ldx%s %%r%d, [%%r7%+d]", size, reg(), off)
			} else {
				p("st%s [%%r7%+d], %d", size, off, rng.IntN(100))
			}
			p("L%d:", label)
			label++
		case 3: // packet access at a variable offset
			k := 2 + rng.IntN(30)
			p("mov %%r9, %%r7")
			p("add %%r9, %d", k)
			p("jgt %%r9, %%r8, L%d", label)
			p("ldxb %%r4, [%%r7+0]")
			p("and %%r4, %d", []int{1, 3, 7, 15, 31, 255}[rng.IntN(6)])
			p("mov %%r9, %%r7")
			p("add %%r9, %%r4")
			p("mov %%r5, %%r9")
			p("add %%r5, %d", 1+rng.IntN(4))
			p("jgt %%r5, %%r8, L%d", label)
			p("ldx%s %%r0, [%%r9%+d]", sizes[rng.IntN(3)], rng.IntN(4)-1)
			p("L%d:", label)
			label++
		case 4: // stack store and load
			size := sizes[rng.IntN(4)]
			off := inside(64, size) - 64
			if rng.IntN(2) == 0 {
				p("stx%s [%%r10%+d], %%r%d", size, off, reg())
			} else {
				p("ldx%s %%r%d, [%%r10%+d]", size, reg(), off)
			}
		case 5: // spill and fill a pointer
			off := -8 * (1 + rng.IntN(8))
			p("stxdw [%%r10%+d], %%r%d", off, []int{6, 7, 8, 10}[rng.IntN(4)])
			p("ldxdw %%r9, [%%r10%+d]", off)
		case 6: // map lookup
			m := rng.IntN(2)
			p("stw [%%r10-4], %d", rng.IntN(6))
			p("mov %%r2, %%r10")
			p("add %%r2, -4")
			p("lddw %%r1, MAP%d", m)
			p("call 1")
			if rng.IntN(5) > 0 {
				p("jeq %%r0, 0, L%d", label)
			}
			vs := []int{8, 16}[m]
			if rng.IntN(3) == 0 {
				p("ldxb %%r3, [%%r0+0]")
				p("and %%r3, %d", []int{3, 7, 15, 31}[rng.IntN(4)])
				p("add %%r0, %%r3")
				p("ldxb %%r1, [%%r0+0]")
			} else {
				size := sizes[rng.IntN(4)]
				p("ldx%s %%r1, [%%r0%+d]", size, inside(vs, size))
			}
			p("L%d:", label)
			scratch()
			label++
		case 7: // forward branch on a scalar
			p("j%s %%r%d, %d, L%d", []string{"eq", "ne", "gt", "lt", "sge", "sle", "set"}[rng.IntN(7)], reg(), rng.IntN(20), label)
			p("mov %%r%d, %d", reg(), rng.IntN(64))
			p("L%d:", label)
			label++
		case 8: // helper
			p("call %d", []int{5, 7, 8}[rng.IntN(3)])
			scratch()
		case 9: // bounded loop
			p("mov %%r9, 0")
			p("L%d:", label)
			p("add %%r9, 1")
			p("add %%r0, %%r9")
			p("jlt %%r9, %d, L%d", 1+rng.IntN(6), label)
			label++
		case 10: // stack access at a bounded variable offset
			p("mov %%r9, %%r%d", reg())
			p("and %%r9, %d", []int{7, 15, 31, 63}[rng.IntN(4)])
			p("mov %%r4, %%r10")
			p("add %%r4, %d", -64-8*rng.IntN(2))
			p("add %%r4, %%r9")
			if rng.IntN(2) == 0 {
				p("stb [%%r4+0], 1")
			} else {
				p("ldxb %%r0, [%%r4+0]")
			}
		case 11: // packet pointers after a helper that moves the packet
			p("mov %%r1, %%r6")
			if typ == loader.XDP {
				p("mov %%r2, %d", rng.IntN(8)-4)
				p("call 44")
			} else {
				p("mov %%r2, 14")
				p("mov %%r3, 0")
				p("mov %%r4, 0")
				p("mov %%r5, 0")
				p("call 10")
			}
			scratch()
			if rng.IntN(2) == 0 {
				p("ldxw %%r7, [%%r6+0]")
				p("ldxw %%r8, [%%r6+4]")
			}
		case 12: // map value index bounded by a branch
			p("stw [%%r10-4], 0")
			p("mov %%r2, %%r10")
			p("add %%r2, -4")
			p("lddw %%r1, MAP1")
			p("call 1")
			p("jeq %%r0, 0, L%d", label)
			p("ldxw %%r3, [%%r0+0]")
			p("%s %%r3, %d, L%d", []string{"jgt", "jge", "jsgt", "jgt32"}[rng.IntN(4)], 12+rng.IntN(6), label)
			if rng.IntN(2) == 0 {
				p("jslt %%r3, 0, L%d", label)
			}
			p("add %%r0, %%r3")
			p("ldxb %%r1, [%%r0+0]")
			p("L%d:", label)
			scratch()
			label++
		case 13: // 32-bit arithmetic and branches
			p("%s32 %%r%d, %%r%d", []string{"add", "sub", "mul", "and", "or", "xor", "lsh", "rsh", "arsh", "mov"}[rng.IntN(10)], reg(), reg())
			p("j%s32 %%r%d, %d, L%d", []string{"eq", "ne", "gt", "lt", "sge", "sle"}[rng.IntN(6)], reg(), rng.IntN(40)-5, label)
			p("mov %%r%d, %d", reg(), rng.IntN(64))
			p("L%d:", label)
			label++
		case 14: // ring buffer reserve, write, submit or discard
			p("lddw %%r1, MAP2")
			p("mov %%r2, %d", 8*(1+rng.IntN(3)))
			p("mov %%r3, 0")
			p("call 131")
			if rng.IntN(6) > 0 {
				p("jeq %%r0, 0, L%d", label)
			}
			p("stdw [%%r0%+d], 1", inside(16, "dw"))
			p("mov %%r1, %%r0")
			p("mov %%r2, 0")
			if rng.IntN(8) > 0 {
				p("call %d", 132+rng.IntN(2))
			}
			p("L%d:", label)
			scratch()
			label++
		case 15: // a bpf-to-bpf call with a pointer to the caller's stack
			hasFn = true
			p("mov %%r1, %%r10")
			p("add %%r1, %d", -8*(1+rng.IntN(4)))
			p("mov %%r2, %d", rng.IntN(20))
			p("call local fn")
			p("mov %%r%d, %%r0", reg())
			scratch()
		case 16: // sign-extending loads from the stack
			p("stdw [%%r10-8], %d", rng.IntN(400)-200)
			p("ldxs%s %%r%d, [%%r10-8]", []string{"b", "h", "w"}[rng.IntN(3)], reg())
		case 17: // a bounded number through a spill, then a packet index
			p("mov %%r9, %%r7")
			p("add %%r9, 16")
			p("jgt %%r9, %%r8, L%d", label)
			p("ldxb %%r3, [%%r7+0]")
			p("and %%r3, 7")
			p("stxdw [%%r10-24], %%r3")
			p("ldxdw %%r4, [%%r10-24]")
			p("mov %%r9, %%r7")
			p("add %%r9, %%r4")
			p("ldxb %%r0, [%%r9%+d]", inside(9, "b"))
			p("L%d:", label)
			label++
		case 19: // a helper reading or writing memory of a bounded size
			p("mov %%r9, %%r%d", reg())
			p("and %%r9, %d", []int{7, 15, 31}[rng.IntN(3)])
			if rng.IntN(3) > 0 {
				p("add %%r9, 1")
			}
			p("mov %%r1, %%r6")
			p("mov %%r2, %d", rng.IntN(8))
			p("mov %%r3, %%r10")
			p("add %%r3, %d", -8*(1+rng.IntN(5)))
			p("mov %%r4, %%r9")
			if typ == loader.XDP {
				p("call %d", 189+rng.IntN(2)) // xdp_load_bytes, xdp_store_bytes
			} else {
				p("call 26") // skb_load_bytes
			}
			scratch()
		case 20: // csum_diff over packet bytes behind a check
			k := 4 * (1 + rng.IntN(6))
			p("mov %%r9, %%r7")
			p("add %%r9, %d", k)
			p("jgt %%r9, %%r8, L%d", label)
			p("mov %%r1, %%r7")
			p("mov %%r2, %d", 4*rng.IntN(k/4+2))
			p("mov %%r3, 0")
			p("mov %%r4, 0")
			p("mov %%r5, 0")
			p("call 28")
			p("L%d:", label)
			scratch()
			label++
		case 21: // a map update whose value comes from a map value or the packet
			p("stw [%%r10-4], %d", rng.IntN(4))
			p("mov %%r2, %%r10")
			p("add %%r2, -4")
			p("lddw %%r1, MAP0")
			p("call 1")
			p("jeq %%r0, 0, L%d", label)
			p("mov %%r3, %%r0")
			p("add %%r3, %d", inside(8, "dw"))
			p("mov %%r2, %%r10")
			p("add %%r2, -4")
			p("lddw %%r1, MAP0")
			p("mov %%r4, 0")
			p("call 2")
			p("L%d:", label)
			scratch()
			label++
		case 22: // ringbuf_output of a map value or stack bytes
			p("lddw %%r1, MAP2")
			p("mov %%r2, %%r10")
			p("add %%r2, %d", -8*(1+rng.IntN(4)))
			p("mov %%r3, %d", 8*rng.IntN(6))
			p("mov %%r4, 0")
			p("call 130")
			scratch()
		case 18: // a number compared with a copy of itself
			p("mov %%r3, %%r%d", reg())
			p("mov %%r4, %%r3")
			p("jgt %%r4, %d, L%d", 1+rng.IntN(30), label)
			p("mov %%r9, %%r10")
			p("add %%r9, -32")
			p("add %%r9, %%r3")
			p("ldxb %%r0, [%%r9+0]")
			p("L%d:", label)
			label++
		}
	}
	p("mov %%r0, %d", rng.IntN(4))
	p("exit")
	if hasFn {
		p("fn:")
		switch rng.IntN(3) {
		case 0:
			p("stdw [%%r1%+d], 7", inside(8, "dw"))
			p("mov %%r0, %%r2")
		case 1:
			p("ldxdw %%r0, [%%r1+0]")
		default:
			p("stdw [%%r10-8], 1")
			p("mov %%r0, %%r2")
			p("add %%r0, 1")
		}
		p("exit")
	}
	return b.String()
}
