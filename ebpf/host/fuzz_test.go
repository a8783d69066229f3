package host

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// FuzzXDP runs random XDP programs on random packets through the host, on
// the interpreter and on the JIT, and on the interpreter with its array
// lookups left as helper calls (inline.go), and fails if they differ in
// the error, the verdict, the packet that comes out or the maps. The programs are
// built from 4 bytes per step (fuzzStep): arithmetic, loads and stores
// around the packet's data pointer (in and out of bounds), re-reading
// data and data_end from xdp_md, the adjust helpers (head, tail, meta), csum_diff, map
// lookups and updates, redirects, early exits and forward branches, so
// that the packet window moves under the program while it runs.
func FuzzXDP(f *testing.F) {
	f.Add([]byte{4, 0, 0xf2, 0, 2, 0x01, 0, 0, 5, 0, 0, 0, 3, 0x11, 4, 9, 8, 0, 2, 0}, []byte("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff"))
	f.Add([]byte{4, 1, 0x10, 0, 5, 0, 0, 0, 2, 0x13, 0x3c, 0, 7, 0, 3, 0, 6, 2, 5, 2, 4, 2, 0, 0}, bytes.Repeat([]byte{0xab}, 64))
	f.Add([]byte{4, 0, 0x80, 0, 4, 1, 0x7f, 0, 5, 0, 0, 0, 2, 0, 0, 0, 4, 3, 3, 7, 9, 0, 1, 2}, bytes.Repeat([]byte{1}, 100))
	f.Fuzz(func(t *testing.T, code, pkt []byte) {
		if len(code) > 4*128 || len(pkt) < ethHLen || len(pkt) > 512 {
			return
		}
		insns := fuzzProgram(code)
		want, werr := fuzzRun(t, insns, pkt, Interp, true)
		for _, other := range []struct {
			name   string
			e      Engine
			inline bool
		}{{"jit", JIT, true}, {"interp with helper calls for the inlined lookups", Interp, false}} {
			got, gerr := fuzzRun(t, insns, pkt, other.e, other.inline)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("error: interp %v, %s %v", werr, other.name, gerr)
			}
			if werr == nil {
				if d := outcomesDiffer(want, got); d != "" {
					t.Fatalf("interp vs %s: %s", other.name, d)
				}
			}
		}
	})
}

func fuzzRun(t *testing.T, insns []ebpf.Instruction, pkt []byte, e Engine, inline bool) (xdpOutcome, error) {
	ms := hostMaps(t, []mapDef{{spec: arraySpec("a", 16, 4)}, {spec: maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 3}}})
	c, err := NewCollection(ms, Options{Engine: e, Budget: 10000, Rand: func() uint32 { return 7 }, Now: func() uint64 { return 1e9 }})
	if err != nil {
		t.Fatal(err)
	}
	c.noInline = !inline
	p, err := c.Load("fuzz", XDP, insns)
	if err != nil {
		return xdpOutcome{}, err
	}
	defer p.Close()
	res, err := p.TestRun(pkt, 2)
	o := xdpOutcome{retvals: []uint64{res.Retval}, packets: [][]byte{bytes.Clone(res.Packet)}}
	for _, m := range ms {
		o.dumps = append(o.dumps, dump(m.Lookup, m.Spec()))
	}
	return o, err
}

// fuzzProgram: r6 = ctx, r2 = data, r3 = data_end, then one step per 4
// bytes of code, then r0 = XDP_PASS and exit. Branches jump forward by
// whole steps.
func fuzzProgram(code []byte) []ebpf.Instruction {
	steps := [][]ebpf.Instruction{assembleFuzz("mov %r6, %r1\nldxw %r2, [%r6+0]\nldxw %r3, [%r6+4]")}
	var branches []int // steps that end in a branch
	for i := 0; i+4 <= len(code); i += 4 {
		s, branch := fuzzStep(code[i : i+4])
		if branch {
			branches = append(branches, len(steps))
		}
		steps = append(steps, s)
	}
	steps = append(steps, assembleFuzz("mov %r0, 2\nexit"))
	slot := make([]int, len(steps)+1) // first slot of each step
	for i, s := range steps {
		slot[i+1] = slot[i] + ebpf.NewProgram(s).NumSlots()
	}
	for _, b := range branches {
		s := steps[b]
		skip := 1 + int(s[len(s)-1].Offset) // steps to jump over, set by fuzzStep
		target := min(b+skip, len(steps)-1)
		s[len(s)-1].Offset = int16(slot[target] - slot[b+1])
	}
	var insns []ebpf.Instruction
	for _, s := range steps {
		insns = append(insns, s...)
	}
	return pseudo(insns)
}

func assembleFuzz(src string) []ebpf.Instruction {
	insns, err := asm.Assemble(src)
	if err != nil {
		panic("BUG: fuzz step does not assemble: " + src + ": " + err.Error())
	}
	return insns
}

var aluOps = []string{"add", "sub", "mul", "or", "and", "xor", "lsh", "rsh", "arsh", "mov", "div", "mod"}
var sizes = []string{"b", "h", "w", "dw"}

// fuzzStep turns 4 bytes into a few instructions; branch says the last is
// a forward branch whose Offset holds the steps to skip.
func fuzzStep(b []byte) ([]ebpf.Instruction, bool) {
	r := func(x byte) int { return [8]int{0, 1, 4, 5, 0, 4, 2, 3}[x&7] } // r2, r3 (data, data_end) less often
	off := int(int8(b[2]))
	mem := int(b[2] & 31)  // packet offsets: mostly inside small packets,
	if b[2]&0xe0 == 0xe0 { // sometimes anywhere
		mem = off
	}
	var src string
	switch b[0] % 10 {
	case 0:
		src = fmt.Sprintf("%s %%r%d, %d", aluOps[int(b[1])%len(aluOps)], r(b[3]), off)
	case 1:
		src = fmt.Sprintf("%s32 %%r%d, %%r%d", aluOps[int(b[1])%len(aluOps)], r(b[3]), r(b[3]>>4))
	case 2:
		src = fmt.Sprintf("ldx%s %%r%d, [%%r2%+d]", sizes[b[1]&3], r(b[3]), mem)
	case 3:
		src = fmt.Sprintf("stx%s [%%r2%+d], %%r%d", sizes[b[1]&3], mem, r(b[3]))
	case 4:
		helper := []int{44, 65, 54, 65}[b[1]&3]
		src = fmt.Sprintf("mov %%r1, %%r6\nmov %%r2, %d\ncall %d\nldxw %%r2, [%%r6+0]\nldxw %%r3, [%%r6+4]", off, helper)
	case 5:
		src = "ldxw %r2, [%r6+0]\nldxw %r3, [%r6+4]"
	case 6:
		src = fmt.Sprintf("j%s %%r%d, %d, +%d", []string{"eq", "gt", "lt", "set"}[b[1]&3], r(b[3]), off, b[1]>>2&3)
		return assembleFuzz(src), true
	case 7:
		src = fmt.Sprintf("stw [%%r10-4], %d\nmov %%r2, %%r10\nadd %%r2, -4\nlddw %%r1, %s\ncall 1\njeq %%r0, 0, +1\nstx%s [%%r0+%d], %%r5\nldxw %%r2, [%%r6+0]",
			b[1]&7, mapRef0, sizes[b[3]&3], off&15)
	case 8:
		src = fmt.Sprintf("stw [%%r10-4], %d\nstdw [%%r10-16], %d\nmov %%r2, %%r10\nadd %%r2, -4\nmov %%r3, %%r10\nadd %%r3, -16\nmov %%r4, %d\nlddw %%r1, %s\ncall 2\nldxw %%r2, [%%r6+0]",
			b[1]&7, off, b[3]&3, mapRef1)
	default:
		src = fmt.Sprintf("ldxw %%r1, [%%r6+0]\nmov %%r2, %d\nmov %%r3, %%r1\nmov %%r4, %d\nmov %%r5, %d\ncall 28\nmov %%r0, %d\njgt %%r0, 4, +1\nexit\nldxw %%r2, [%%r6+0]",
			b[1]&15, b[3]&15, off, b[1]%6)
	}
	return assembleFuzz(src), false
}
