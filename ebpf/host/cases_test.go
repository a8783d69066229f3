package host

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf/maps"
)

// XDP cases: a program, its maps, a sequence of packets. The same cases
// run on the interpreter, the JIT and (kernel_test.go) Linux, and must
// leave the same verdicts, packets and maps.

type mapDef struct {
	spec maps.Spec
	init map[uint32][]byte // array values to set before the runs
}

type xdpCase struct {
	name    string
	kind    Kind // XDP if 0
	src     string
	maps    []mapDef
	packets [][]byte
	want    []uint64 // retvals, when the case pins them
}

// xdpOutcome is what a run of a case leaves.
type xdpOutcome struct {
	retvals []uint64
	packets [][]byte
	dumps   [][]byte // each map: the values of keys 0-255 (or "absent")
}

func arraySpec(name string, valueSize, n uint32) maps.Spec {
	return maps.Spec{Name: name, Type: maps.Array, KeySize: 4, ValueSize: valueSize, MaxEntries: n}
}

// eth is an Ethernet frame of n bytes whose first bytes are head.
func eth(n int, head ...byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*13 + 7)
	}
	copy(p, head)
	return p
}

// s32s is the little-endian bytes of vs.
func s32s(vs ...int32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

var xdpCases = []xdpCase{
	{
		name: "count per EtherType byte", src: countSrc,
		maps: []mapDef{{spec: arraySpec("counts", 8, 256)}},
		packets: [][]byte{eth(60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00), eth(60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd),
			eth(14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x06), eth(1500)},
		want: []uint64{2, 2, 2, 2},
	},
	{
		name: "adjust head and tail", src: adjustSrc,
		maps: []mapDef{{spec: arraySpec("results", 16, 1)}},
		packets: [][]byte{
			eth(64, s32s(0, 0)...), eth(64, s32s(14, -8)...), eth(64, s32s(-14, 100)...),
			eth(64, s32s(-216, 0)...), eth(64, s32s(-217, 0)...), eth(64, s32s(-256, 0)...), eth(64, s32s(-257, 0)...),
			eth(64, s32s(50, 0)...), eth(64, s32s(51, 0)...), eth(64, s32s(0, -50)...), eth(64, s32s(0, -51)...),
			eth(64, s32s(0, XDPMaxPacket-64)...), eth(64, s32s(0, XDPMaxPacket-63)...), eth(64, s32s(-200, XDPMaxPacket-64)...),
			eth(100, s32s(60, -30)...), eth(100, s32s(0x7fffffff, -0x80000000)...), eth(XDPMaxPacket, s32s(0, 1)...),
		},
	},
	{
		name: "adjust meta", src: metaSrc,
		maps: []mapDef{{spec: arraySpec("results", 32, 1)}},
		packets: [][]byte{
			eth(64, s32s(0, 0)...), eth(64, s32s(-4, 0)...), eth(64, s32s(-8, -20)...), eth(64, s32s(-32, 14)...), eth(64, s32s(-36, 0)...),
			eth(64, s32s(-216, 0)...), eth(64, s32s(-220, 0)...), eth(64, s32s(-252, 0)...), eth(64, s32s(-256, 0)...), eth(64, s32s(-3, 0)...),
			eth(64, s32s(4, 0)...), eth(64, s32s(-16, -200)...), eth(64, s32s(-16, -201)...), eth(64, s32s(-8, 50)...),
		},
	},
	{
		name: "xdp load and store bytes", src: xdpBytesSrc,
		maps:    []mapDef{{spec: arraySpec("out", 32, 1)}},
		packets: [][]byte{eth(60, 0, 1), eth(60, 52, 56), eth(60, 53, 57), eth(60, 255, 255), eth(14, 6, 10), eth(14, 7, 11)},
	},
	{
		name: "csum_diff", src: csumSrc,
		maps: []mapDef{{spec: arraySpec("sum", 8, 1)}},
		packets: [][]byte{
			eth(64, 0, 0), eth(64, 1, 0), eth(64, 0, 1), eth(64, 5, 5), eth(64, 7, 7, 0xff, 0xff, 0xff, 0xff), eth(64, 3, 0, 1, 2, 3, 4),
			append([]byte{0, 2, 0xff, 0xff, 0xff, 0xff}, make([]byte, 58)...),
			append([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, make([]byte, 52)...),
			append([]byte{2, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 56)...),
		},
	},
	{
		name: "csum_diff sizes", src: csumSizesSrc,
		packets: [][]byte{eth(1300, 0, 0), eth(1300, 2, 0), eth(1300, 4, 0), eth(1300, 0, 1), eth(1300, 8, 126), eth(1300, 4, 127),
			eth(1300, 0, 128), eth(1300, 0, 129), eth(1300, 252, 65), eth(1300, 252, 255), eth(1300, 3, 3)},
	},
	{
		name: "hash map update, lookup, delete", src: hashSrc,
		maps: []mapDef{{spec: maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 2}}, {spec: arraySpec("result", 8, 1)}},
		packets: [][]byte{
			eth(14, 1, 2), eth(14, 1, 0, 0, 10), eth(14, 1, 2), eth(14, 1, 0, 1, 11), eth(14, 1, 0, 2, 12), eth(14, 1, 2),
			eth(14, 2, 0, 2, 20), eth(14, 2, 0, 0, 20), eth(14, 3, 0, 0, 30), eth(14, 3, 0, 4, 30), eth(14, 1, 1), eth(14, 1, 1),
			eth(14, 3, 0, 0, 31), eth(14, 3, 2), eth(14, 2, 2),
		},
	},
	{
		name: "redirect", src: redirectSrc, maps: nil,
		packets: [][]byte{eth(14, 5, 0), eth(14, 7, 1), eth(14, 0, 0)},
		want:    []uint64{4, 0, 4},
	},
	{
		name: "trace_printk", src: traceSrc,
		maps:    []mapDef{{spec: arraySpec("fmt", 64, 1), init: map[uint32][]byte{0: []byte("d=%d x=%08x llu=%llu %%\x00u=%u lld=%lld c=%c\n\x00%5d|%-5x|\x00%q\x00")}}},
		packets: [][]byte{eth(14, 23), eth(14, 23, 0, 0xfe, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 0x80), eth(14, 63), eth(14, 10), eth(14, 53), eth(14, 59), eth(14, 5)},
	},
	{
		name: "socket filter: __sk_buff fields, legacy loads", kind: SocketFilter, src: sfSrc,
		maps:    []mapDef{{spec: arraySpec("fields", 56, 1)}},
		packets: [][]byte{ipv4(0, 80, 0), ipv4(0xff, 80, 0), ipv4(1, 61, 0), ipv4(0x33, 60, 0), eth(20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0xff, 0xff), eth(40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x10)},
	},
	{
		name: "tc: direct packet access, l3 and l4 csum_replace", kind: SchedCLS, src: tcSrc,
		maps:    []mapDef{{spec: arraySpec("fields", 64, 1)}},
		packets: [][]byte{ipv4(0, 80, 0), ipv4(0xff, 42, 0x1234), ipv4(2, 100, 0xffff), eth(41), ipv4(0, 60, 0x5a5a)},
	},
	{
		name: "tc: skb_load_bytes, skb_store_bytes", kind: SchedCLS, src: skbBytesSrc,
		maps:    []mapDef{{spec: arraySpec("out", 24, 1)}},
		packets: [][]byte{eth(60, 0, 1, 0), eth(60, 52, 56, 1), eth(60, 53, 57, 2), eth(60, 10, 20, 3), eth(60, 10, 20, 4), eth(34, 26, 30, 0, 8, 0), eth(34, 27, 31, 0, 8, 0)},
	},
	{
		name: "socket filter: skb_load_bytes", kind: SocketFilter, src: sfLoadBytesSrc,
		maps:    []mapDef{{spec: arraySpec("out", 32, 1)}},
		packets: [][]byte{eth(60), eth(22), eth(21), eth(14), eth(100)},
	},
	{
		name: "tc: redirect", kind: SchedCLS, src: redirectTCSrc,
		packets: [][]byte{eth(14, 5, 0), eth(14, 7, 1), eth(14, 7, 2), eth(14, 0, 0)},
		want:    []uint64{TCActRedirect, TCActRedirect, TCActShot, TCActRedirect},
	},
	{
		name: "tail call chain", src: tailSrc,
		maps:    []mapDef{{spec: maps.Spec{Name: "jmp", Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 1}}, {spec: arraySpec("runs", 16, 1)}},
		packets: [][]byte{eth(14), eth(14)},
		want:    []uint64{2, 2},
	},
}

func (tc xdpCase) progKind() Kind {
	if tc.kind == 0 {
		return XDP
	}
	return tc.kind
}

// ipv4 is an Ethernet frame to dst of n bytes carrying IPv4 with a right
// header checksum, UDP checksum csum.
func ipv4(dst byte, n int, csum uint16) []byte {
	p := eth(n, dst, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45, 0, 0, byte(n-14), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2)
	if dst == 0xff {
		copy(p, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	}
	setChecksum(p[14:34])
	binary.BigEndian.PutUint16(p[40:], csum)
	return p
}

// mustNew makes a map of the maps package.
func mustNew(t testing.TB, s maps.Spec) maps.Map {
	t.Helper()
	m, err := maps.New(s, maps.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hostMaps makes the cases' maps.
func hostMaps(t testing.TB, defs []mapDef) []maps.Map {
	var ms []maps.Map
	for _, d := range defs {
		m := mustNew(t, d.spec)
		for k, v := range d.init {
			v = append(v, make([]byte, int(d.spec.ValueSize)-len(v))...)
			if err := m.Update(binary.LittleEndian.AppendUint32(nil, k), v, 0); err != nil {
				t.Fatal(err)
			}
		}
		ms = append(ms, m)
	}
	return ms
}

// runHost runs a case on engine e.
func runHost(t testing.TB, tc xdpCase, e Engine) xdpOutcome {
	ms := hostMaps(t, tc.maps)
	c, err := NewCollection(ms, Options{Engine: e})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Load(tc.name, tc.progKind(), assemble(t, tc.src))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, m := range ms {
		if pa, ok := m.(maps.ProgramArray); ok {
			if err := pa.SetProgram(0, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	var o xdpOutcome
	for _, pkt := range tc.packets {
		res, err := p.TestRun(pkt, 1)
		if err != nil {
			t.Fatalf("%s on %v: %v", tc.name, e, err)
		}
		o.retvals = append(o.retvals, res.Retval)
		o.packets = append(o.packets, bytes.Clone(res.Packet))
	}
	for _, m := range ms {
		o.dumps = append(o.dumps, dump(m.Lookup, m.Spec()))
	}
	return o
}

// dump is the values of keys 0-255 of a map (of an array's keys), through
// lookup.
func dump(lookup func([]byte) ([]byte, error), s maps.Spec) []byte {
	var out []byte
	if s.Type == maps.ProgArray {
		return nil
	}
	n := uint32(256)
	if s.Type == maps.Array {
		n = min(n, s.MaxEntries)
	}
	for k := range n {
		v, err := lookup(binary.LittleEndian.AppendUint32(nil, k))
		if err != nil {
			v = []byte("absent")
		}
		out = append(out, v...)
	}
	return out
}

// outcomesDiffer says how two outcomes of a case differ, or "".
func outcomesDiffer(a, b xdpOutcome) string {
	for i := range a.retvals {
		if uint32(a.retvals[i]) != uint32(b.retvals[i]) { // BPF_PROG_TEST_RUN's retval is a __u32
			return fmt.Sprintf("packet %d: retval %#x vs %#x", i, a.retvals[i], b.retvals[i])
		}
		if !bytes.Equal(a.packets[i], b.packets[i]) {
			return fmt.Sprintf("packet %d: output\n% x\nvs\n% x", i, a.packets[i], b.packets[i])
		}
	}
	for i := range a.dumps {
		if !bytes.Equal(a.dumps[i], b.dumps[i]) {
			return fmt.Sprintf("map %d after the runs:\n% x\nvs\n% x", i, a.dumps[i], b.dumps[i])
		}
	}
	return ""
}

// TestXDPCases runs every case on both engines: they must agree, and give
// the retvals a case pins.
func TestXDPCases(t *testing.T) {
	for _, tc := range xdpCases {
		t.Run(tc.name, func(t *testing.T) {
			want := runHost(t, tc, Interp)
			got := runHost(t, tc, JIT)
			if d := outcomesDiffer(want, got); d != "" {
				t.Errorf("interp vs jit: %s", d)
			}
			for i, r := range tc.want {
				if want.retvals[i] != r {
					t.Errorf("packet %d: retval %#x, want %#x", i, want.retvals[i], r)
				}
			}
		})
	}
}
