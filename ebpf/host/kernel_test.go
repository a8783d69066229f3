package host

import (
	"bytes"
	"encoding/binary"
	"testing"

	cebpf "github.com/cilium/ebpf"
	casm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/internal/testenv"
)

// The kernel as oracle: each XDP case of cases_test.go loads into Linux
// (its maps created with bpf(BPF_MAP_CREATE), the pseudo loads pointing at
// their file descriptors), runs packet by packet with BPF_PROG_TEST_RUN,
// and must leave what our engines leave: the same retvals, output packets
// and map contents.

var kernelTypes = map[maps.Type]cebpf.MapType{maps.Array: cebpf.Array, maps.Hash: cebpf.Hash, maps.ProgArray: cebpf.ProgramArray}

// kernelMaps creates the case's maps in the kernel.
func kernelMaps(t *testing.T, defs []mapDef) []*cebpf.Map {
	var ms []*cebpf.Map
	for _, d := range defs {
		s := d.spec
		m, err := cebpf.NewMap(&cebpf.MapSpec{Name: s.Name, Type: kernelTypes[s.Type], KeySize: s.KeySize, ValueSize: s.ValueSize, MaxEntries: s.MaxEntries, Flags: s.Flags})
		if err != nil {
			t.Fatalf("creating map %q: %v", s.Name, err)
		}
		t.Cleanup(func() { m.Close() })
		for k, v := range d.init {
			v = append(v, make([]byte, int(s.ValueSize)-len(v))...)
			if err := m.Update(k, v, cebpf.UpdateAny); err != nil {
				t.Fatal(err)
			}
		}
		ms = append(ms, m)
	}
	return ms
}

// withFDs turns map indexes in pseudo loads into the maps' descriptors:
// the form bpf(BPF_PROG_LOAD) takes.
func withFDs(insns []ebpf.Instruction, ms []*cebpf.Map) []ebpf.Instruction {
	for i, ins := range insns {
		if ins.IsLDDW() && ins.Src != 0 {
			fd := uint64(ms[uint32(ins.Imm64)].FD())
			insns[i].Imm64 = int64(uint64(ins.Imm64)&^0xffffffff | fd)
			insns[i].Imm = int32(fd)
		}
	}
	return insns
}

var kernelProgTypes = map[Kind]cebpf.ProgramType{XDP: cebpf.XDP, SocketFilter: cebpf.SocketFilter, SchedCLS: cebpf.SchedCLS}

func loadKernel(t *testing.T, kind Kind, insns []ebpf.Instruction) *cebpf.Program {
	code := ebpf.Encode(nil, insns)
	ci, err := casm.AppendInstructions(nil, bytes.NewReader(code), binary.LittleEndian, "linux")
	if err != nil {
		t.Fatal(err)
	}
	p, err := cebpf.NewProgram(&cebpf.ProgramSpec{Name: "deepsys_host", Type: kernelProgTypes[kind], Instructions: ci, License: "GPL"})
	if err != nil {
		t.Fatalf("the kernel refused the program: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// runKernel runs a case in Linux.
// kernelRunPackets runs p once per packet with BPF_PROG_TEST_RUN and
// keeps each r0 and output packet.
func kernelRunPackets(t *testing.T, p *cebpf.Program, packets [][]byte) xdpOutcome {
	t.Helper()
	var o xdpOutcome
	for _, pkt := range packets {
		opts := cebpf.RunOptions{Data: pkt, DataOut: make([]byte, len(pkt)+xdpFrameSize), Repeat: 1}
		ret, err := p.Run(&opts)
		if err != nil {
			t.Fatalf("BPF_PROG_TEST_RUN: %v", err)
		}
		o.retvals = append(o.retvals, uint64(ret))
		o.packets = append(o.packets, opts.DataOut)
	}
	return o
}

func runKernel(t *testing.T, tc xdpCase) xdpOutcome {
	ms := kernelMaps(t, tc.maps)
	p := loadKernel(t, tc.progKind(), withFDs(assemble(t, tc.src), ms))
	for i, d := range tc.maps {
		if d.spec.Type == maps.ProgArray {
			if err := ms[i].Update(uint32(0), uint32(p.FD()), cebpf.UpdateAny); err != nil {
				t.Fatal(err)
			}
		}
	}
	o := kernelRunPackets(t, p, tc.packets)
	for i, d := range tc.maps {
		m := ms[i]
		o.dumps = append(o.dumps, dump(func(k []byte) ([]byte, error) {
			v := make([]byte, d.spec.ValueSize)
			return v, m.Lookup(k, v)
		}, d.spec))
	}
	return o
}

// TestXDPCasesAgainstKernel: interpreter and JIT against Linux.
func TestXDPCasesAgainstKernel(t *testing.T) {
	testenv.RequireBPF(t)
	for _, tc := range xdpCases {
		t.Run(tc.name, func(t *testing.T) {
			want := runKernel(t, tc)
			for _, e := range []Engine{Interp, JIT} {
				if d := outcomesDiffer(want, runHost(t, tc, e)); d != "" {
					t.Errorf("linux vs %v: %s", e, d)
				}
			}
		})
	}
}
