package host

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"testing"

	cebpf "github.com/cilium/ebpf"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/internal/testenv"
)

// The C programs of ebpf/testdata, as the ELF loader links them, run on
// both engines and in Linux: the same retvals, packets and maps.

type objectCase struct {
	file, prog string
	packets    [][]byte
	tails      map[uint32]string // program array slot -> program, in the object's one program array
	probe      []uint32          // hash keys to compare, besides 0-255
	init       []mapKV           // map contents to set first
	ignore     string            // a map not to compare (time stamps, random numbers)
}

type mapKV struct {
	name       string
	key, value []byte
}

// lpmKey is struct lpm_key of helpers.c: a prefix length and an IPv4
// address in network order.
func lpmKey(prefix uint32, addr ...byte) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, prefix), addr...)
}

var routes = []mapKV{
	{"routes", lpmKey(24, 10, 0, 0, 0), s32s(1)}, // XDP_DROP for 10.0.0.0/24
	{"routes", lpmKey(32, 10, 0, 0, 2), s32s(3)}, // XDP_TX for 10.0.0.2
	{"routes", lpmKey(8, 192, 0, 0, 0), s32s(2)}, // XDP_PASS for 192/8
}

var objectCases = []objectCase{
	{file: "xdp_counter.o", prog: "xdp_count",
		packets: [][]byte{udp4(0x0a000001, 53), udp4(0x0a000001, 54), udp4(0x0a000002, 53), eth(20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0), eth(60)},
		probe:   []uint32{0x0100000a, 0x0200000a}},
	{file: "legacy_maps.o", prog: "xdp_legacy", packets: [][]byte{eth(60), eth(60), eth(61), eth(14)}},
	{file: "calls.o", prog: "xdp_calls", packets: [][]byte{eth(60), eth(14), eth(1500), eth(3000), eth(200)}},
	{file: "calls.o", prog: "xdp_clamp_only", packets: [][]byte{eth(60), eth(3000)}},
	{file: "socket_filter.o", prog: "socket_udp", packets: [][]byte{udp4(0x0a000001, 53), eth(60), eth(40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0x45, 0, 0, 0, 0, 0, 0, 0, 0, 6)}},
	{file: "tc.o", prog: "tc_mark", packets: [][]byte{udp4(0x0a000001, 53), ttl1(udp4(0x0a000001, 53)), eth(60), eth(34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0)}},
	{file: "helpers.o", prog: "xdp_adjust", packets: [][]byte{eth(60), eth(18), eth(17), eth(200)}},
	{file: "helpers.o", prog: "xdp_csum", packets: [][]byte{eth(60), eth(14), eth(21, 1, 2, 3, 4, 5, 6, 7, 8)}},
	{file: "helpers.o", prog: "xdp_redirect", packets: [][]byte{eth(60)}},
	{file: "helpers.o", prog: "xdp_time_rand", packets: [][]byte{eth(60), eth(61)}},
	{file: "helpers.o", prog: "xdp_events", packets: [][]byte{eth(60), eth(61), eth(62)}, ignore: "events"},
	{file: "helpers.o", prog: "xdp_route", init: routes, ignore: "recent",
		packets: [][]byte{udp4(0x0a000001, 53), dst4(udp4(0x0a000001, 53), 10, 0, 0, 2), dst4(udp4(1, 1), 10, 0, 0, 9), dst4(udp4(1, 1), 192, 168, 1, 1), dst4(udp4(1, 1), 11, 0, 0, 0), eth(20)}},
	{file: "tailcall.o", prog: "xdp_dispatch", packets: [][]byte{eth(60), eth(61), eth(62), eth(63)}, tails: map[uint32]string{1: "xdp_drop_all", 2: "xdp_dispatch"}},
}

// udp4 is an IPv4/UDP frame from src (host order) to port.
func udp4(src uint32, port uint16) []byte {
	p := ipv4(0, 64, 0)
	binary.BigEndian.PutUint32(p[26:], src)
	setChecksum(p[14:34])
	binary.BigEndian.PutUint16(p[36:], port)
	return p
}

// dst4 sets an IPv4 frame's destination address.
func dst4(p []byte, a ...byte) []byte {
	copy(p[30:], a)
	setChecksum(p[14:34])
	return p
}

func ttl1(p []byte) []byte {
	p[22] = 1
	setChecksum(p[14:34])
	return p
}

func loadObject(t *testing.T, file string) *loader.Object {
	obj, err := loaderLoad(file)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

func loaderLoad(file string) (*loader.Object, error) {
	return loader.LoadFile(filepath.Join("..", "testdata", file))
}

// newMap makes the maps package's maps for one CPU.
func newMap(s maps.Spec) (maps.Map, error) { return maps.New(s, maps.Options{}) }

func runObjectHost(t *testing.T, oc objectCase, e Engine) xdpOutcome {
	obj := loadObject(t, oc.file)
	c, err := NewObjectCollection(obj, newMap, Options{Engine: e})
	if err != nil {
		t.Fatal(err)
	}
	load := func(name string) *Program {
		p, err := c.LoadProgram(obj.Program(name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	p := load(oc.prog)
	for _, kv := range oc.init {
		if err := c.Maps()[obj.MapIndex(kv.name)].Update(kv.key, kv.value, maps.UpdateAny); err != nil {
			t.Fatal(err)
		}
	}
	for slot, name := range oc.tails {
		for _, m := range c.Maps() {
			if pa, ok := m.(maps.ProgramArray); ok {
				if err := pa.SetProgram(slot, load(name)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var o xdpOutcome
	for _, pkt := range oc.packets {
		res, err := p.TestRun(pkt, 1)
		if err != nil {
			t.Fatalf("%s on %v: %v", oc.prog, e, err)
		}
		o.retvals = append(o.retvals, res.Retval)
		o.packets = append(o.packets, bytes.Clone(res.Packet))
	}
	for _, m := range c.Maps() {
		o.dumps = append(o.dumps, dumpProbe(m.Lookup, m.Spec(), oc.probe, oc.ignore))
	}
	return o
}

// dumpProbe is dump and the values of the probe keys; nothing for the
// map called ignore, or for ring buffers and LPM tries (which have no such
// keys).
func dumpProbe(lookup func([]byte) ([]byte, error), s maps.Spec, probe []uint32, ignore string) []byte {
	if s.Name == ignore || s.Type == maps.RingBuf || s.Type == maps.LPMTrie {
		return nil
	}
	out := dump(lookup, s)
	for _, k := range probe {
		v, err := lookup(binary.LittleEndian.AppendUint32(nil, k))
		if err != nil {
			v = []byte("absent")
		}
		out = append(out, v...)
	}
	return out
}

var kernelObjectTypes = map[maps.Type]cebpf.MapType{
	maps.Array: cebpf.Array, maps.Hash: cebpf.Hash, maps.ProgArray: cebpf.ProgramArray, maps.PerCPUArray: cebpf.PerCPUArray,
	maps.LRUHash: cebpf.LRUHash, maps.PerCPUHash: cebpf.PerCPUHash, maps.LPMTrie: cebpf.LPMTrie, maps.RingBuf: cebpf.RingBuf,
}

func runObjectKernel(t *testing.T, oc objectCase) xdpOutcome {
	obj := loadObject(t, oc.file)
	var ms []*cebpf.Map
	var fds []int
	for _, d := range obj.Maps {
		spec := &cebpf.MapSpec{Name: d.Name, Type: kernelObjectTypes[d.Type], KeySize: d.KeySize, ValueSize: d.ValueSize, MaxEntries: d.MaxEntries, Flags: d.Flags}
		if d.Init != nil { // cilium writes it, then freezes BPF_F_RDONLY_PROG maps
			spec.Contents = []cebpf.MapKV{{Key: uint32(0), Value: append(bytes.Clone(d.Init), make([]byte, int(d.ValueSize)-len(d.Init))...)}}
		}
		m, err := cebpf.NewMap(spec)
		if err != nil {
			t.Fatalf("map %q: %v", d.Name, err)
		}
		t.Cleanup(func() { m.Close() })
		ms, fds = append(ms, m), append(fds, m.FD())
	}
	load := func(name string) *cebpf.Program {
		lp := obj.Program(name)
		insns, err := lp.WithFDs(fds)
		if err != nil {
			t.Fatal(err)
		}
		kind, _ := KindOf(lp.Type)
		return loadKernel(t, kind, insns)
	}
	p := load(oc.prog)
	for _, kv := range oc.init {
		if err := ms[obj.MapIndex(kv.name)].Update(kv.key, kv.value, cebpf.UpdateAny); err != nil {
			t.Fatal(err)
		}
	}
	for slot, name := range oc.tails {
		for i, d := range obj.Maps {
			if d.Type == maps.ProgArray {
				if err := ms[i].Update(slot, uint32(load(name).FD()), cebpf.UpdateAny); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	o := kernelRunPackets(t, p, oc.packets)
	for i, d := range obj.Maps {
		o.dumps = append(o.dumps, dumpProbe(kernelLookup(ms[i], d.Spec), d.Spec, oc.probe, oc.ignore))
	}
	return o
}

// kernelLookup reads a kernel map's value; per-CPU values (of 8 bytes)
// are summed over the CPUs, which is what a run on CPU 0 leaves here.
func kernelLookup(m *cebpf.Map, s maps.Spec) func([]byte) ([]byte, error) {
	return func(k []byte) ([]byte, error) {
		if s.Type == maps.PerCPUArray || s.Type == maps.PerCPUHash {
			var vs []uint64
			if err := m.Lookup(k, &vs); err != nil {
				return nil, err
			}
			var sum uint64
			for _, v := range vs {
				sum += v
			}
			return binary.LittleEndian.AppendUint64(nil, sum), nil
		}
		v := make([]byte, s.ValueSize)
		return v, m.Lookup(k, v)
	}
}

func TestObjects(t *testing.T) {
	for _, oc := range objectCases {
		t.Run(oc.file+"/"+oc.prog, func(t *testing.T) {
			if d := outcomesDiffer(runObjectHost(t, oc, Interp), runObjectHost(t, oc, JIT)); d != "" {
				t.Errorf("interp vs jit: %s", d)
			}
		})
	}
}

func TestObjectsAgainstKernel(t *testing.T) {
	testenv.RequireBPF(t)
	for _, oc := range objectCases {
		t.Run(oc.file+"/"+oc.prog, func(t *testing.T) {
			want := runObjectKernel(t, oc)
			for _, e := range engines {
				if d := outcomesDiffer(want, runObjectHost(t, oc, e)); d != "" {
					t.Errorf("linux vs %v: %s", e, d)
				}
			}
		})
	}
}

// TestRepeatAgainstKernel: with Repeat, BPF_PROG_TEST_RUN runs the program
// again on the buffer as the last run left it; helpers.c's xdp_adjust
// strips 14 bytes and 4 a run until it cannot, here as in Linux.
func TestRepeatAgainstKernel(t *testing.T) {
	testenv.RequireBPF(t)
	obj := loadObject(t, "helpers.o")
	insns, err := obj.Program("xdp_adjust").WithFDs(nil)
	if err != nil {
		t.Fatal(err)
	}
	kp := loadKernel(t, XDP, insns)
	c, _ := NewObjectCollection(obj, newMap, Options{})
	p, err := c.LoadProgram(obj.Program("xdp_adjust"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range []int{1, 2, 3, 5} {
		opts := cebpf.RunOptions{Data: eth(60), DataOut: make([]byte, xdpFrameSize), Repeat: uint32(rep)}
		ret, err := kp.Run(&opts)
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.TestRun(eth(60), rep)
		if err != nil || uint32(res.Retval) != ret || !bytes.Equal(res.Packet, opts.DataOut) {
			t.Errorf("repeat %d: retval %d, %d bytes (%v); linux %d, %d bytes", rep, res.Retval, len(res.Packet), err, ret, len(opts.DataOut))
		}
	}
}
