package host

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/maps"
)

var engines = []Engine{Interp, JIT}

func TestLink(t *testing.T) {
	ro := arraySpec("ro", 16, 1)
	ro.Flags = maps.FlagRdOnlyProg
	ms := []maps.Map{mustNew(t, arraySpec("a", 16, 4)), mustNew(t, maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 4}),
		mustNew(t, maps.Spec{Name: "p", Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}), mustNew(t, ro)}
	c, err := NewCollection(ms, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lddw := func(src uint8, imm uint64) ebpf.Instruction {
		return ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: 1, Src: src, Imm: int32(imm), Imm64: int64(imm)}
	}
	tests := []struct {
		ins  ebpf.Instruction
		want uint64
		err  string
	}{
		{lddw(ebpf.PseudoMapFD, 0), MapHandle(0), ""},
		{lddw(ebpf.PseudoMapIdx, 2), MapHandle(2), ""},
		{lddw(ebpf.PseudoMapFD, 4), 0, "the object has 4 maps"},
		{lddw(ebpf.PseudoMapValue, 0), interp.RegionAddr(0), ""},
		{lddw(ebpf.PseudoMapIdxValue, 15<<32), interp.RegionAddr(0) + 15, ""},
		{lddw(ebpf.PseudoMapValue, 16<<32), 0, "whose values are 16 bytes"},
		{lddw(ebpf.PseudoMapValue, 1), 0, "not an array map"},
		{lddw(ebpf.PseudoMapValue, 2), 0, "not an array map"},
		{lddw(ebpf.PseudoMapValue, 3), interp.RegionAddr(2), ""}, // the prog array has no region
		{lddw(ebpf.PseudoMapValue, 9), 0, "the object has 4 maps"},
		{lddw(ebpf.PseudoCodeAddr, 0), 0, "only the kernel resolves"},
	}
	for _, tt := range tests {
		out, err := c.link([]ebpf.Instruction{tt.ins})
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%+v: error %v, want %q", tt.ins, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%+v: %v", tt.ins, err)
		case tt.err == "" && (uint64(out[0].Imm64) != tt.want || out[0].Src != 0 || out[0].Imm != int32(tt.want)):
			t.Errorf("%+v: linked to %+v, want imm64 %#x", tt.ins, out[0], tt.want)
		}
	}
	if !c.regions[2].ReadOnly || c.regions[0].ReadOnly {
		t.Errorf("BPF_F_RDONLY_PROG: regions %+v", c.regions)
	}
}

// TestMapLimits: more maps with values than windows is an error that
// says so; a program dereferencing a map handle faults.
func TestMapLimits(t *testing.T) {
	var ms []maps.Map
	for range interp.MaxRegions + 1 {
		ms = append(ms, mustNew(t, arraySpec("a", 8, 1)))
	}
	if _, err := NewCollection(ms, Options{}); err == nil || !strings.Contains(err.Error(), "interp.MaxRegions") {
		t.Errorf("%d maps: %v", len(ms), err)
	}
	for _, e := range engines {
		c, _ := NewCollection(ms[:1], Options{Engine: e})
		p, err := c.Load("deref", XDP, assemble(t, "lddw %r1, "+mapRef0+"\nldxdw %r0, [%r1]\nexit"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.RunXDP(eth(14), XDPMeta{}); !errors.Is(err, interp.ErrMemory) {
			t.Errorf("%v: dereferencing a map handle: %v", e, err)
		}
		p.Close()
	}
}

func TestFormatTrace(t *testing.T) {
	mem := map[uint64]string{0x1000: "hello\x00", 0x2000: "no end"}
	load := func(addr uint64, n int) ([]byte, error) {
		for base, s := range mem {
			if addr >= base && addr+uint64(n) <= base+uint64(len(s)) {
				return []byte(s[addr-base:][:n]), nil
			}
		}
		return nil, interp.ErrMemory
	}
	tests := []struct {
		format string
		args   [3]uint64
		want   string // "" with ok false: -EINVAL
	}{
		{"plain\n\x00", [3]uint64{}, "plain\n"},
		{"%d %i\x00", [3]uint64{0xffffffff, 0x1_0000_0005}, "-1 5"},
		{"%u %x %X\x00", [3]uint64{0xffffffff, 0x1_0000_00ab, 0xcd}, "4294967295 ab CD"},
		{"%ld %lld %llu\x00", [3]uint64{^uint64(0), ^uint64(1), ^uint64(0)}, "-1 -2 18446744073709551615"},
		{"%lx %llx\x00", [3]uint64{0x1_0000_00ab, 0xdead_beef_0000_0001}, "1000000ab deadbeef00000001"},
		{"[%5d|%-5d|%05x|%+d]\x00", [3]uint64{42, 42, 0xab}, ""}, // four conversions: too many
		{"[%5d|%-5d|%05x]\x00", [3]uint64{42, 42, 0xab}, "[   42|42   |000ab]"},
		{"%c%c%c\x00", [3]uint64{'a', 'b' | 0x100, 'c'}, "abc"},
		{"%s, %s!\x00", [3]uint64{0x1000, 0x3000}, "hello, !"},
		{"%s\x00", [3]uint64{0x2000}, "no end"},
		{"%p %px %pK\x00", [3]uint64{0x1000, 0xab, 1}, "0000000000001000 00000000000000ab 0000000000000001"},
		{"100%%\x00", [3]uint64{}, "100%"},
		{"%q\x00", [3]uint64{}, ""},
		{"%.3d\x00", [3]uint64{}, ""},
		{"%lq\x00", [3]uint64{}, ""},
		{"%pI4\x00", [3]uint64{}, ""},
		{"%\x00", [3]uint64{}, ""},
		{"no NUL", [3]uint64{}, ""},
		{"tab\there\x00", [3]uint64{}, "tab\there"},
		{"bell\a\x00", [3]uint64{}, ""},
		{"after\x00%q", [3]uint64{}, "after"},
	}
	for _, tt := range tests {
		got, ok := FormatTrace([]byte(tt.format), tt.args, load)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("%q: %q, %v; want %q", tt.format, got, ok, tt.want)
		}
	}
}

// TestTraceOutput: the messages reach Options.Trace, one per line.
func TestTraceOutput(t *testing.T) {
	for _, e := range engines {
		var log bytes.Buffer
		ms := hostMaps(t, []mapDef{{spec: arraySpec("fmt", 64, 1), init: map[uint32][]byte{0: []byte("x=%d y=%llx\x00")}}})
		c, _ := NewCollection(ms, Options{Engine: e, Trace: &log})
		p, err := c.Load("trace", XDP, assemble(t, traceSrc))
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.RunXDP(eth(14, 20, 0, 7, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0), XDPMeta{})
		if err != nil || res.Retval != 8 || log.String() != "x=7 y=ff\n" {
			t.Errorf("%v: r0 %d, %v, trace %q", e, res.Retval, err, log.String())
		}
		p.Close()
	}
}

// csumReference is RFC 1071's sum of to and seed less from, folded to 16
// bits, by big integers.
func csumReference(from, to []byte, seed uint32) uint64 {
	pad := func(b []byte) []byte { return append(bytes.Clone(b), make([]byte, (4-len(b)%4)%4)...) }
	var plus, minus uint64 = uint64(seed), 0
	for i, b := 0, pad(to); i < len(b); i += 4 {
		plus += uint64(binary.LittleEndian.Uint32(b[i:]))
	}
	for i, b := 0, pad(from); i < len(b); i += 4 {
		minus += uint64(binary.LittleEndian.Uint32(b[i:]))
	}
	const m = 0xffff
	return (plus%m + m - minus%m) % m
}

func TestCsumDiffReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		from, to := make([]byte, r.IntN(40)), make([]byte, r.IntN(40))
		for _, b := range [][]byte{from, to} {
			for j := range b {
				b[j] = byte(r.Uint32())
				if i%3 == 0 {
					b[j] = 0xff
				}
			}
		}
		seed := r.Uint32()
		got := CsumDiff(from, to, seed)
		if uint64(got)%0xffff != csumReference(from, to, seed) {
			t.Fatalf("from % x to % x seed %#x: %#x, reference %#x (mod 0xffff)", from, to, seed, got, csumReference(from, to, seed))
		}
	}
}

func TestCsumReplace(t *testing.T) {
	// An IPv4 header whose checksum is right, then a field changed and
	// the checksum patched by each form: the header must check again.
	hdr := []byte{0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 0x40, 0x01, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	setChecksum(hdr)
	for _, size := range []uint64{0, 2, 4} {
		h := bytes.Clone(hdr)
		oldW, newW := binary.LittleEndian.Uint32(h[12:]), uint32(0x0500a8c0)
		binary.LittleEndian.PutUint32(h[12:], newW)
		from, to := uint64(oldW), uint64(newW)
		switch size {
		case 0:
			from, to = 0, uint64(CsumDiffWords(oldW, newW))
		case 2:
			binary.LittleEndian.PutUint32(h[12:], oldW&0xffff0000|newW&0xffff)
			from, to = uint64(oldW&0xffff), uint64(newW&0xffff)
		}
		sum, ok := csumReplace(binary.LittleEndian.Uint16(h[10:]), from, to, size)
		binary.LittleEndian.PutUint16(h[10:], sum)
		if !ok || checksum(h) != 0 {
			t.Errorf("size %d: header % x does not check (%#x)", size, h, checksum(h))
		}
	}
}

// CsumDiffWords is the unfolded difference bpf_csum_diff would give for
// one word changing from a to b (what l3_csum_replace's size 0 takes).
func CsumDiffWords(a, b uint32) uint32 { return csumAdd(^a, b) }

func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i < len(b); i += 2 {
		s += uint32(binary.LittleEndian.Uint16(b[i:]))
	}
	return csumFold(s)
}

func setChecksum(h []byte) {
	h[10], h[11] = 0, 0
	binary.LittleEndian.PutUint16(h[10:], checksum(h))
}

// TestTailCalls: a chain through a program array, the 33-call limit,
// empty slots and bad indexes; with the tail calls patched into exits
// (tailcall.go, step 4) and through the helper's error (step 2).
func TestTailCalls(t *testing.T) {
	for _, e := range engines {
		for _, exits := range []bool{true, false} {
			tailCalls(t, e, exits)
		}
	}
}

func tailCalls(t *testing.T, e Engine, exits bool) {
	{
		ms := hostMaps(t, []mapDef{{spec: maps.Spec{Name: "jmp", Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}}, {spec: arraySpec("runs", 16, 1)}})
		c, _ := NewCollection(ms, Options{Engine: e})
		c.noInline = !exits
		self, err := c.Load("self", XDP, assemble(t, tailSrc))
		if err != nil || self.tailExits != exits {
			t.Fatalf("tail calls patched into exits: %v, want %v (%v)", self.tailExits, exits, err)
		}
		runs := func() uint64 { return binary.LittleEndian.Uint64(lookup0(t, ms[1])) }
		jmp := ms[0].(maps.ProgramArray)
		check := func(what string, want uint64) {
			t.Helper()
			before := runs()
			res, err := self.RunXDP(eth(14), XDPMeta{})
			if err != nil || res.Action != XDPPass || runs()-before != want {
				t.Errorf("%v, exits %v, %s: %d runs, %v, %v; want %d", e, exits, what, runs()-before, res.Action, err, want)
			}
		}
		check("empty slot", 1)
		jmp.SetProgram(0, self)
		check("calling itself", 1+MaxTailCalls)
		sf, _ := c.Load("filter", SocketFilter, assemble(t, "mov %r0, 0\nexit"))
		jmp.SetProgram(0, sf)
		if _, err := self.RunXDP(eth(14), XDPMeta{}); err == nil || !strings.Contains(err.Error(), "socket filter") {
			t.Errorf("%v: a tail call to another program type: %v", e, err)
		}
		self.Close()
	}
}

// TestAdjustErrors: the adjust helpers' refusals leave the packet alone;
// pinned values (TestXDPCasesAgainstKernel checks the same against Linux).
func TestAdjustErrors(t *testing.T) {
	for _, tt := range []struct {
		head, tail int32
		pkt        int
		wantHead   uint64
		wantTail   uint64
		wantLen    int
	}{
		{0, 0, 64, 0, 0, 64},
		{-216, 0, 64, 0, 0, 280},
		{-217, 0, 64, errno(22), 0, 64},
		{50, 0, 64, 0, 0, 14},
		{51, 0, 64, errno(22), 0, 64},
		{0, -50, 64, 0, 0, 14},
		{0, -51, 64, 0, errno(22), 64},
		{0, XDPMaxPacket - 64, 64, 0, 0, XDPMaxPacket},
		{0, XDPMaxPacket - 63, 64, 0, errno(22), 64},
	} {
		for _, e := range engines {
			ms := hostMaps(t, []mapDef{{spec: arraySpec("results", 16, 1)}})
			c, _ := NewCollection(ms, Options{Engine: e})
			p, err := c.Load("adjust", XDP, assemble(t, adjustSrc))
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.RunXDP(eth(tt.pkt, s32s(tt.head, tt.tail)...), XDPMeta{})
			mem := lookup0(t, ms[0])
			h, tl := binary.LittleEndian.Uint64(mem), binary.LittleEndian.Uint64(mem[8:])
			if err != nil || h != tt.wantHead || tl != tt.wantTail || len(res.Packet) != tt.wantLen || res.Packet[0] != 0xee {
				t.Errorf("%v: head %d tail %d: results %#x %#x, %d bytes out (%v)", e, tt.head, tt.tail, h, tl, len(res.Packet), err)
			}
			p.Close()
		}
	}
}

// TestRunErrors: inputs BPF_PROG_TEST_RUN refuses are errors that say why.
func TestRunErrors(t *testing.T) {
	c, _ := NewCollection(nil, Options{})
	xdp, _ := c.Load("x", XDP, assemble(t, "mov %r0, 2\nexit"))
	tc, _ := c.Load("t", SchedCLS, assemble(t, "mov %r0, 0\nexit"))
	short4 := eth(33, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0)
	short6 := eth(53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd)
	for _, tt := range []struct {
		name string
		run  func() error
		want string
	}{
		{"xdp, 13 bytes", func() error { _, err := xdp.RunXDP(eth(13), XDPMeta{}); return err }, "takes 14 to 3520"},
		{"xdp, too long", func() error { _, err := xdp.TestRun(eth(XDPMaxPacket+1), 1); return err }, "takes 14 to 3520"},
		{"xdp as tc", func() error { _, err := xdp.RunTC(eth(60)); return err }, "a xdp program, as tc"},
		{"tc as xdp", func() error { _, err := tc.RunXDP(eth(60), XDPMeta{}); return err }, "a tc program"},
		{"tc, short IPv4", func() error { _, err := tc.RunTC(short4); return err }, "20 bytes of network header"},
		{"tc, short IPv6", func() error { _, err := tc.TestRun(short6, 3); return err }, "40 bytes of network header"},
		{"unknown kind", func() error { _, err := c.Load("k", Kind(2), nil); return err }, "not a program type"},
	} {
		if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// lookup0 is the value of key 0 (a u32) of m.
func lookup0(t testing.TB, m maps.Map) []byte {
	t.Helper()
	v, err := m.Lookup(make([]byte, 4))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPerCPU: bpf_get_smp_processor_id is the CPU a run holds, and
// bpf_map_lookup_percpu_elem reads any CPU's copy, NULL past the last.
func TestPerCPU(t *testing.T) {
	spec := maps.Spec{Name: "pc", Type: maps.PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1}
	m, err := maps.New(spec, maps.Options{CPUs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Update(make([]byte, 4), append(s32s(11, 0), s32s(22, 0)...), maps.UpdateAny); err != nil {
		t.Fatal(err)
	}
	for _, e := range engines {
		c, _ := NewCollection([]maps.Map{m}, Options{Engine: e, CPUs: 2})
		for cpu, want := range []uint64{11, 22, 0xdead} {
			src := fmt.Sprintf(`
				stw [%%r10-4], 0
				lddw %%r1, %s
				mov %%r2, %%r10
				add %%r2, -4
				mov %%r3, %d
				call 195
				mov %%r1, %%r0
				mov %%r0, 0xdead
				jeq %%r1, 0, +1
				ldxdw %%r0, [%%r1+0]
				exit`, mapRef0, cpu)
			p, err := c.Load("percpu", XDP, assemble(t, src))
			if err != nil {
				t.Fatal(err)
			}
			if res, err := p.RunXDP(eth(14), XDPMeta{}); err != nil || res.Retval != want {
				t.Errorf("%v: cpu %d: %#x, %v; want %#x", e, cpu, res.Retval, err, want)
			}
			p.Close()
		}
		p, _ := c.Load("cpu", XDP, assemble(t, "call 8\nexit"))
		if res, err := p.RunXDP(eth(14), XDPMeta{}); err != nil || res.Retval != 0 {
			t.Errorf("%v: smp_processor_id %d, %v; want 0 (the first free CPU)", e, res.Retval, err)
		}
		p.Close()
	}
}

// TestHostileHelperArguments: helpers given what no verifier would let
// through stop the program with an error naming the helper, on both
// engines, and never panic.
func TestHostileHelperArguments(t *testing.T) {
	ms := []maps.Map{mustNew(t, arraySpec("a", 8, 2)), mustNew(t, maps.Spec{Name: "rb", Type: maps.RingBuf, MaxEntries: 4096})}
	for _, src := range []string{
		"mov %r1, 5\nmov %r2, %r10\ncall 1\nexit",                             // not a map
		"lddw %r1, " + mapRef0 + "\nmov %r2, 0\ncall 1\nexit",                 // key at NULL
		"lddw %r1, " + mapRef0 + "\nmov %r2, %r10\nmov %r3, 0\ncall 2\nexit",  // value at NULL
		"lddw %r1, " + mapRef1 + "\nmov %r2, %r10\ncall 1\nexit",              // a ring buffer lookup: NULL, not an error
		"mov %r1, 0x1000\nmov %r2, 0\ncall 132\nexit",                         // submit of the packet
		"lddw %r1, " + mapRef0 + "\nmov %r2, 8\nmov %r3, 0\ncall 131\nexit",   // reserve on an array
		"lddw %r1, " + mapRef0 + "\nmov %r2, %r10\nmov %r3, 0\ncall 12\nexit", // tail call through an array
		"mov %r1, %r10\nmov %r2, -1\nmov %r3, 0\ncall 130\nexit",              // output to no map, 2^64-1 bytes
		"mov %r1, %r10\nmov %r2, -1\ncall 6\nexit",                            // trace_printk of 2^64-1 bytes: -EINVAL
		"mov %r1, 0\nmov %r2, -1\nmov %r3, 0\nmov %r4, -1\ncall 28\nexit",     // csum_diff of 4 GiB at NULL
	} {
		for _, e := range engines {
			c, err := NewCollection(ms, Options{Engine: e})
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.Load("hostile", XDP, assemble(t, src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.RunXDP(eth(14), XDPMeta{})
			if err != nil && !errors.Is(err, interp.ErrHelper) {
				t.Errorf("%v: %q: %v", e, src, err)
			}
			p.Close()
		}
	}
}
