package loader

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	cebpf "github.com/cilium/ebpf"
	casm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/internal/testenv"
)

// TestKernelLoadsTestdata loads every test object into the running kernel
// twice: through cilium/ebpf alone (the C programs are valid for the
// verifier), and as our loader links them, with maps created from our
// MapDefs and their fds put in by Program.WithFDs (the loader's output is
// what the kernel accepts).
func TestKernelLoadsTestdata(t *testing.T) {
	testenv.RequireBPF(t)
	files, _ := filepath.Glob(filepath.Join(testdata, "*.o"))
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			spec, err := cebpf.LoadCollectionSpec(file)
			if err != nil {
				t.Fatal(err)
			}
			coll, err := cebpf.NewCollection(spec)
			if err != nil {
				t.Fatalf("cilium/ebpf: %v", err)
			}
			coll.Close()
			k := loadIntoKernel(t, mustLoad(t, filepath.Base(file)))
			k.close()
		})
	}
}

// kernelObject is an Object's maps and programs in the kernel.
type kernelObject struct {
	maps  []*cebpf.Map
	progs map[string]*cebpf.Program
}

func (k *kernelObject) close() {
	for _, m := range k.maps {
		m.Close()
	}
	for _, p := range k.progs {
		p.Close()
	}
}

// loadIntoKernel creates obj's maps (global data initialised) and loads its programs with their fds.
func loadIntoKernel(t *testing.T, obj *Object) *kernelObject {
	t.Helper()
	k := &kernelObject{progs: map[string]*cebpf.Program{}}
	t.Cleanup(k.close)
	var fds []int
	for _, def := range obj.Maps {
		m := createMap(t, def)
		k.maps = append(k.maps, m)
		fds = append(fds, m.FD())
	}
	for _, p := range obj.Programs {
		insns, err := p.WithFDs(fds)
		if err != nil {
			t.Fatal(err)
		}
		cins, err := casm.AppendInstructions(nil, bytes.NewReader(ebpf.Encode(nil, insns)), binary.LittleEndian, "linux")
		if err != nil {
			t.Fatal(err)
		}
		prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{Name: kernelName(p.Name), Type: cebpf.ProgramType(p.Type),
			Instructions: cins, License: obj.License})
		if err != nil {
			t.Fatalf("program %q as our loader links it: %v", p.Name, err)
		}
		k.progs[p.Name] = prog
	}
	return k
}

func createMap(t *testing.T, def MapDef) *cebpf.Map {
	t.Helper()
	spec := &cebpf.MapSpec{Name: kernelName(def.Name), Type: cebpf.MapType(def.Type),
		KeySize: def.KeySize, ValueSize: def.ValueSize, MaxEntries: def.MaxEntries, Flags: def.Flags}
	if def.Init != nil {
		// cilium/ebpf writes the contents, then freezes BPF_F_RDONLY_PROG maps.
		spec.Contents = []cebpf.MapKV{{Key: uint32(0), Value: def.Init}}
	}
	m, err := cebpf.NewMap(spec)
	if err != nil {
		t.Fatalf("map %q: %v", def.Name, err)
	}
	return m
}

// kernelName fits a name to BPF_OBJ_NAME_LEN (15 characters of
// [A-Za-z0-9_.]).
func kernelName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, s)
	return s[:min(len(s), 15)]
}

// packet is Ethernet + IPv4 (protocol proto, from src, TTL ttl) + a UDP
// or TCP header to dport, padded to n bytes.
func packet(proto uint8, src [4]byte, dport uint16, ttl uint8, n int) []byte {
	p := make([]byte, max(n, 54))
	binary.BigEndian.PutUint16(p[12:], 0x0800)
	p[14], p[14+8], p[14+9] = 0x45, ttl, proto
	copy(p[14+12:], src[:])
	binary.BigEndian.PutUint16(p[34+2:], dport)
	return p
}

func udpPacket(src [4]byte, dport uint16, n int) []byte { return packet(17, src, dport, 64, n) }

// TestKernelRuns runs the test programs, as our loader links them, on
// packets through BPF_PROG_TEST_RUN: the results other engines must
// reproduce.
func TestKernelRuns(t *testing.T) {
	testenv.RequireBPF(t)
	src := [4]byte{192, 0, 2, 1}
	for _, c := range []struct {
		file, prog string
		data       []byte
		want       uint32
	}{
		{"socket_filter.o", "socket_udp", udpPacket(src, 53, 60), 46},    // kept whole: 60 bytes less the Ethernet header
		{"socket_filter.o", "socket_udp", packet(6, src, 80, 64, 60), 0}, // TCP: drop
		{"tc.o", "tc_mark", packet(6, src, 80, 64, 60), 0},               // TC_ACT_OK
		{"tc.o", "tc_mark", packet(6, src, 80, 1, 60), 2},                // TTL 1: TC_ACT_SHOT
		{"tailcall.o", "xdp_dispatch", make([]byte, 64), 1},              // slot 0 holds xdp_drop_all
		{"tailcall.o", "xdp_dispatch", make([]byte, 65), 2},              // slot 1 is empty: XDP_PASS
		{"legacy_maps.o", "xdp_legacy", make([]byte, 64), 2},             // counts, passes
		{"helpers.o", "xdp_adjust", make([]byte, 64), 2},                 // head and tail adjusted
		{"helpers.o", "xdp_csum", make([]byte, 64), 2},                   // csum_diff >= 0
		{"helpers.o", "xdp_route", udpPacket(src, 53, 64), 2},            // no route: XDP_PASS
		{"helpers.o", "xdp_events", make([]byte, 64), 2},                 // ring buffer written
	} {
		t.Run(c.prog, func(t *testing.T) {
			obj := mustLoad(t, c.file)
			k := loadIntoKernel(t, obj)
			if c.file == "tailcall.o" {
				if err := k.maps[obj.MapIndex("jump_table")].Update(uint32(0), uint32(k.progs["xdp_drop_all"].FD()), cebpf.UpdateAny); err != nil {
					t.Fatal(err)
				}
			}
			ret, err := k.progs[c.prog].Run(&cebpf.RunOptions{Data: c.data})
			if err != nil || ret != c.want {
				t.Errorf("%s on %d bytes: returned %d (%v), want %d", c.prog, len(c.data), ret, err, c.want)
			}
		})
	}
}

// TestKernelRunsXDPCounter runs xdp_counter as our loader links it: the
// .rodata rule (drop UDP to port 53) decides, and both maps count.
func TestKernelRunsXDPCounter(t *testing.T) {
	testenv.RequireBPF(t)
	obj := mustLoad(t, "xdp_counter.o")
	k := loadIntoKernel(t, obj)
	src := [4]byte{10, 0, 0, 7}
	for _, c := range []struct {
		port uint16
		want uint32
	}{{53, 1 /* XDP_DROP */}, {80, 2 /* XDP_PASS */}, {53, 1}} {
		ret, err := k.progs["xdp_count"].Run(&cebpf.RunOptions{Data: udpPacket(src, c.port, 64)})
		if err != nil || ret != c.want {
			t.Errorf("UDP to port %d: returned %d (%v), want %d", c.port, ret, err, c.want)
		}
	}
	var perCPU []uint64
	if err := k.maps[obj.MapIndex("proto_count")].Lookup(uint32(17), &perCPU); err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, n := range perCPU {
		total += n
	}
	var bySrc uint64
	if err := k.maps[obj.MapIndex("src_count")].Lookup(binary.LittleEndian.Uint32(src[:]), &bySrc); err != nil {
		t.Fatal(err)
	}
	if total != 3 || bySrc != 3 {
		t.Errorf("proto_count[UDP] = %d, src_count[10.0.0.7] = %d, want 3 and 3", total, bySrc)
	}
}

// TestKernelRunsCalls runs calls.o's program through its linked
// subprograms and reads the globals it wrote in .data and .bss: for a
// 300-byte packet, sum = clamp(clamp(300)) = 300, then clamp(300 +
// clamp(150)) = 450; calls_total was 7.
func TestKernelRunsCalls(t *testing.T) {
	testenv.RequireBPF(t)
	obj := mustLoad(t, "calls.o")
	k := loadIntoKernel(t, obj)
	ret, err := k.progs["xdp_calls"].Run(&cebpf.RunOptions{Data: make([]byte, 300)})
	if err != nil || ret != 2 {
		t.Fatalf("xdp_calls returned %d (%v), want XDP_PASS", ret, err)
	}
	var data, bss []byte
	if err := k.maps[obj.MapIndex(".data")].Lookup(uint32(0), &data); err != nil {
		t.Fatal(err)
	}
	if err := k.maps[obj.MapIndex(".bss")].Lookup(uint32(0), &bss); err != nil {
		t.Fatal(err)
	}
	if total, last := binary.LittleEndian.Uint64(data), binary.LittleEndian.Uint32(bss); total != 457 || last != 450 {
		t.Errorf("calls_total = %d, calls_last = %d; want 457 and 450", total, last)
	}
}
