package host

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// lookupIdx looks up, in map ref, the index the packet's first u32 holds
// (the key on the stack at r10-8); r0 = the value pointer.
func lookupIdx(ref string) string {
	return `
	ldxw %r5, [%r2+0]
	stxw [%r10-8], %r5
	mov %r2, %r10
	add %r2, -8
	lddw %r1, ` + ref + `
	call 1
`
}

// inlineProgram is an XDP program around a lookup, the maps it needs and
// how many lookups inline.go must inline.
type inlineProgram struct {
	name    string
	src     string
	maps    []mapDef
	inlined int
}

// bump adds 1 to the u64 at r0 (if not NULL) and returns it, plus r1's
// upper half (the map handle a helper call leaves in r1), or 99 for NULL.
const bump = `
	mov %r8, %r1
	rsh %r8, 32
	jeq %r0, 0, null
	ldxdw %r1, [%r0+0]
	add %r1, 1
	stxdw [%r0+0], %r1
	mov %r0, %r1
	add %r0, %r8
	exit
null:
	mov %r0, 99
	exit
out:
	mov %r0, 1
	exit
`

var rodata = func() maps.Spec {
	s := arraySpec(".rodata", 8, 2)
	s.Flags = maps.FlagRdOnlyProg
	return s
}()

var inlinePrograms = []inlineProgram{
	{"array, stride 24 (mul)", xdpBounds("4") + lookupIdx(mapRef0) + bump, []mapDef{{spec: arraySpec("a", 20, 5)}}, 1},
	{"array, stride 8 (shift)", xdpBounds("4") + lookupIdx(mapRef0) + bump, []mapDef{{spec: arraySpec("a", 8, 256)}}, 1},
	{"array of one", xdpBounds("4") + lookupIdx(mapRef0) + bump, []mapDef{{spec: arraySpec("a", 8, 1)}}, 1},
	{"per-CPU array", xdpBounds("4") + lookupIdx(mapRef0) + bump, []mapDef{{spec: maps.Spec{Name: "p", Type: maps.PerCPUArray, KeySize: 4, ValueSize: 12, MaxEntries: 7}}}, 1},
	{"hash: a call", xdpBounds("4") + lookupIdx(mapRef0) + bump, []mapDef{{spec: maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 4}}}, 0},
	{"read-only array: the store faults", xdpBounds("4") + lookupIdx(mapRef0) + bump, []mapDef{{spec: rodata}}, 1},
	{"r1 overwritten after the lddw", xdpBounds("4") + `
	ldxw %r5, [%r2+0]
	stxw [%r10-8], %r5
	lddw %r1, ` + mapRef0 + `
	mov %r2, %r10
	add %r2, -8
	lddw %r1, ` + mapRef1 + `
	call 1` + bump, []mapDef{{spec: arraySpec("a", 8, 4)}, {spec: maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 4}}}, 0},
	{"r1 = ctx: a helper error", xdpBounds("4") + `
	ldxw %r5, [%r2+0]
	stxw [%r10-8], %r5
	lddw %r1, ` + mapRef0 + `
	mov %r2, %r10
	add %r2, -8
	mov %r1, %r6
	call 1` + bump, []mapDef{{spec: arraySpec("a", 8, 4)}}, 0},
	{"r2 moved after the add", xdpBounds("4") + `
	ldxw %r5, [%r2+0]
	stxw [%r10-8], %r5
	mov %r2, %r10
	add %r2, -8
	lddw %r1, ` + mapRef0 + `
	add %r2, 4
	call 1` + bump, []mapDef{{spec: arraySpec("a", 8, 4)}}, 0},
	{"key in the packet", xdpBounds("4") + `
	lddw %r1, ` + mapRef0 + `
	call 1` + bump, []mapDef{{spec: arraySpec("a", 8, 4)}}, 0},
	{"key at NULL: a helper error", xdpBounds("4") + `
	lddw %r1, ` + mapRef0 + `
	mov %r2, 0
	call 1` + bump, []mapDef{{spec: arraySpec("a", 8, 4)}}, 0},
	{"a branch lands between the lddw and the call", xdpBounds("4") + `
	ldxw %r5, [%r2+0]
	stxw [%r10-8], %r5
	mov %r2, %r10
	add %r2, -8
	lddw %r1, ` + mapRef0 + `
	jeq %r5, 3, there
there:
	call 1` + bump, []mapDef{{spec: arraySpec("a", 8, 4)}}, 0},
	{"branches across the site, a loop through it", xdpBounds("4") + `
	mov %r9, 3
	ldxw %r7, [%r2+0]
	jeq %r7, 2, skip
again:
	stxw [%r10-8], %r7
	mov %r2, %r10
	add %r2, -8
	lddw %r1, ` + mapRef0 + `
	call 1
	jeq %r0, 0, skip
	ldxdw %r1, [%r0+0]
	add %r1, 5
	stxdw [%r0+0], %r1
	sub %r9, 1
	jne %r9, 0, again
skip:
	ja32 +1
	mov %r9, 77
	mov %r0, %r9
	exit
out:
	mov %r0, 1
	exit
`, []mapDef{{spec: arraySpec("a", 8, 4)}}, 1},
	{"a fault after the site names the program's instruction", xdpBounds("4") + lookupIdx(mapRef0) + `
	ldxdw %r0, [%r1+0]
	exit
out:
	mov %r0, 1
	exit
`, []mapDef{{spec: arraySpec("a", 8, 4)}}, 1},
	{"two sites and a local call", xdpBounds("4") + lookupIdx(mapRef0) + `
	mov %r7, %r0
	call local sub
	jeq %r0, 0, out
	jeq %r7, 0, out
	ldxdw %r1, [%r7+0]
	add %r1, 1
	stxdw [%r7+0], %r1
	stxdw [%r0+0], %r1
	mov %r0, 2
	exit
out:
	mov %r0, 1
	exit
sub:
	stw [%r10-4], 1
	mov %r2, %r10
	add %r2, -4
	lddw %r1, ` + mapRef1 + `
	call 1
	exit
`, []mapDef{{spec: arraySpec("a", 8, 4)}, {spec: arraySpec("b", 16, 2)}}, 2},
}

// inlineIndexes are the packets' indexes: in range, at and past the end,
// and past 2^31 (the bounds check is unsigned).
var inlineIndexes = []int32{0, 1, 3, 4, 5, 255, 256, -1, -0x80000000}

// runInline runs prog on every index, twice each (TestRun's repeat), and
// says what happened: retvals and errors, then the maps.
func runInline(t *testing.T, prog inlineProgram, e Engine, inline bool) (string, int) {
	ms := hostMaps(t, prog.maps)
	c, err := NewCollection(ms, Options{Engine: e})
	if err != nil {
		t.Fatal(err)
	}
	c.noInline = !inline
	p, err := c.Load(prog.name, XDP, assemble(t, prog.src))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sites := 0
	if p.pat != nil { // each site: one call became 8 instructions
		sites = (len(p.pat.insns) - len(p.pat.old.Insns)) / 7
	}
	var out bytes.Buffer
	for _, idx := range inlineIndexes {
		res, err := p.TestRun(append(s32s(idx), eth(60)...), 2)
		fmt.Fprintf(&out, "index %d: %#x %q %v\n", idx, res.Retval, res.Packet, err)
	}
	for _, m := range ms {
		fmt.Fprintf(&out, "%s: % x\n", m.Spec().Name, dump(m.Lookup, m.Spec()))
	}
	return out.String(), sites
}

func mustLink(t *testing.T, c *Collection, src string) []ebpf.Instruction {
	linked, err := c.link(assemble(t, src))
	if err != nil {
		t.Fatal(err)
	}
	return linked
}

// TestInlineLookups: each program gives the same retvals, errors (the
// same instruction named) and maps with its lookups inlined as with the
// helper calls, on both engines; and exactly the lookups step 1 can prove
// are inlined.
func TestInlineLookups(t *testing.T) {
	for _, prog := range inlinePrograms {
		t.Run(prog.name, func(t *testing.T) {
			want, _ := runInline(t, prog, Interp, false)
			for _, e := range engines {
				for _, inline := range []bool{false, true} {
					got, sites := runInline(t, prog, e, inline)
					if got != want {
						t.Errorf("%v, inlined %v:\n%s\nwant (interp, calls):\n%s", e, inline, got, want)
					}
					if inline && sites != prog.inlined {
						t.Errorf("%v: %d lookups inlined, want %d", e, sites, prog.inlined)
					}
				}
			}
		})
	}
}

// TestInlinePerCPUVariants: with 2 CPUs a per-CPU lookup has each CPU's
// copy built in, so the program is compiled once per CPU; a run on CPU 1
// (CPU 0 held) and one on CPU 0 each bump their own copy, as with the
// helper call, on both engines.
func TestInlinePerCPUVariants(t *testing.T) {
	newMap2 := func(s maps.Spec) maps.Map {
		m, err := maps.New(s, maps.Options{CPUs: 2})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	src := xdpBounds("4") + lookupIdx(mapRef0) + bump
	var want string
	for _, e := range engines {
		for _, inline := range []bool{false, true} {
			pc := newMap2(maps.Spec{Name: "p", Type: maps.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 4})
			c, err := NewCollection([]maps.Map{pc, newMap2(arraySpec("a", 8, 4))}, Options{Engine: e, CPUs: 2})
			if err != nil {
				t.Fatal(err)
			}
			c.noInline = !inline
			if _, perCPU := c.inlineSites(mustLink(t, c, src), 1); !perCPU {
				t.Error("a per-CPU lookup on 2 CPUs does not depend on the CPU")
			}
			p, err := c.Load("percpu", XDP, assemble(t, src))
			if err != nil {
				t.Fatal(err)
			}
			if variants := map[bool]int{false: 1, true: 2}[inline]; len(p.engs) != variants {
				t.Errorf("%v, inlined %v: %d compiled variants, want %d", e, inline, len(p.engs), variants)
			}
			var out bytes.Buffer
			c.cpus[0].Lock()
			for _, idx := range []int32{2, 2, 3} {
				res, err := p.RunXDP(append(s32s(idx), eth(20)...), XDPMeta{})
				fmt.Fprintf(&out, "cpu 1, index %d: %#x %v\n", idx, res.Retval, err)
			}
			c.cpus[0].Unlock()
			res, err := p.RunXDP(append(s32s(2), eth(20)...), XDPMeta{})
			fmt.Fprintf(&out, "cpu 0, index 2: %#x %v\n", res.Retval, err)
			for k := range uint32(4) {
				v, _ := pc.Lookup(binary.LittleEndian.AppendUint32(nil, k))
				fmt.Fprintf(&out, "p[%d]: % x\n", k, v)
			}
			if want == "" {
				want = out.String()
			} else if out.String() != want {
				t.Errorf("%v, inlined %v:\n%s\nwant (interp, calls):\n%s", e, inline, out.String(), want)
			}
			p.Close()
		}
	}
}

// TestInlinePerCPUNotPastMaxVariants: past maxCPUVariants CPUs a per-CPU
// lookup stays a helper call (a compile per CPU would cost too much).
func TestInlinePerCPUNotPastMaxVariants(t *testing.T) {
	n := maxCPUVariants + 1
	m, err := maps.New(maps.Spec{Name: "p", Type: maps.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 4}, maps.Options{CPUs: n})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCollection([]maps.Map{m}, Options{CPUs: n})
	if err != nil {
		t.Fatal(err)
	}
	if sites, _ := c.inlineSites(mustLink(t, c, xdpBounds("4")+lookupIdx(mapRef0)+bump), 0); len(sites) != 0 {
		t.Errorf("%d CPUs: %d lookups inlined", n, len(sites))
	}
}

// TestPatchRetargets: every branch of a patched program lands on the
// instruction it landed on before, forward and back, in offset and imm.
func TestPatchRetargets(t *testing.T) {
	insns := assemble(t, `
	ja +3
	mov %r0, 1
	lddw %r1, 5
	call 1
	jeq %r0, 0, -4
	ja32 -3
	call local f
	exit
f:
	call 1
	exit
`)
	seq := []ebpf.Instruction{lddw(3, 1), lddw(4, 2), {Opcode: uint8(ebpf.ClassALU64) | uint8(ebpf.ALUMov) | uint8(ebpf.SourceK)}}
	p, err := patchInsns(insns, map[int][]ebpf.Instruction{3: seq, 8: seq})
	if err != nil {
		t.Fatal(err)
	}
	old, patchedProg := ebpf.NewProgram(insns), ebpf.NewProgram(p.insns)
	for i, ins := range p.insns {
		if _, br := ins.BranchOffset(); !br || p.orig[i] == 3 || p.orig[i] == 8 {
			continue
		}
		tNew, err := patchedProg.Target(i)
		if err != nil {
			t.Fatal(err)
		}
		tOld, _ := old.Target(p.orig[i])
		if first := firstOf(p.orig, tOld); tNew != first {
			t.Errorf("branch %d (old %d): lands on %d, want %d (old %d)", i, p.orig[i], tNew, first, tOld)
		}
	}
	if _, err := patchInsns(insns, map[int][]ebpf.Instruction{3: make([]ebpf.Instruction, 40000)}); err == nil {
		t.Error("a jump over 40000 instructions: no error")
	}
}

func firstOf(orig []int, old int) int {
	for i, o := range orig {
		if o == old {
			return i
		}
	}
	return -1
}
