package ebpfbench

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/internal/testenv"
)

// reference computes each workload's r0 in Go.
var reference = map[string]func(mem []byte) uint64{
	"arith.s": func(mem []byte) uint64 {
		r0, r3, r4 := uint64(len(mem)), uint64(1000), uint64(3)
		for r3 != 0 {
			r0 += r3
			r4 *= 7
			r0 ^= r4
			r4 = uint64(uint32(r4) >> 3)
			r3--
		}
		return r0
	},
	"stack.s": func([]byte) uint64 {
		count, acc, m := uint64(1000), uint64(0), uint64(1)
		for count != 0 {
			acc += count
			m *= 5
			count--
		}
		return acc ^ m
	},
	"fnv.s": func(mem []byte) uint64 {
		h := fnv.New64a()
		h.Write(mem)
		return h.Sum64()
	},
	"xdp.s": func([]byte) uint64 { return 3 }, // XDP_TX: UDP to port 53
}

// TestProgramsAgree: every workload gives the same r0 in Go, on the
// interpreter and in the kernel (all 64 bits).
func TestProgramsAgree(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	progs, err := Programs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range progs {
		want := reference[p.File](p.Mem)
		got, err := interpR0(p)
		if err != nil || got != want {
			t.Errorf("%s: interpreter r0 = %#x, %v; want %#x", p.File, got, err, want)
		}
		if r0 := kernelR0(t, p.Insns, p.Mem); r0 != want {
			t.Errorf("%s: kernel r0 = %#x; want %#x", p.File, r0, want)
		}
	}
}

func kernelR0(t *testing.T, insns []ebpf.Instruction, mem []byte) uint64 {
	t.Helper()
	kp, err := kernel.Load(insns, kernel.Options{MemLen: len(mem)})
	if err != nil {
		t.Fatal(err)
	}
	defer kp.Close()
	r0, err := kp.Run(slices.Clone(mem))
	if err != nil {
		t.Fatal(err)
	}
	return r0
}

// TestXDPVerdicts drives the parse program down each of its paths, on
// both engines.
func TestXDPVerdicts(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	progs, err := Programs()
	if err != nil {
		t.Fatal(err)
	}
	xdp := progs[slices.IndexFunc(progs, func(p Program) bool { return p.File == "xdp.s" })]
	resum := func(pkt []byte) { // recompute the IPv4 checksum
		pkt[24], pkt[25] = 0, 0
		binary.BigEndian.PutUint16(pkt[24:], ipChecksum(pkt[14:34]))
	}
	for _, c := range []struct {
		name   string
		edit   func(pkt []byte)
		result uint64
	}{
		{"dns", func([]byte) {}, 3},
		{"arp", func(p []byte) { p[12], p[13] = 0x08, 0x06 }, 2},
		{"options", func(p []byte) { p[14] = 0x46; resum(p) }, 1},
		{"ttl 1", func(p []byte) { p[22] = 1; resum(p) }, 1},
		{"bad checksum", func(p []byte) { p[25] ^= 1 }, 1},
		{"spoofed", func(p []byte) { p[26] = 10; resum(p) }, 1},
		{"tcp", func(p []byte) { p[23] = 6; resum(p) }, 2},
		{"udp 80", func(p []byte) { p[37] = 80 }, 2},
	} {
		p := xdp
		p.Mem = Packet()
		c.edit(p.Mem)
		if r0, err := interpR0(p); err != nil || r0 != c.result {
			t.Errorf("%s: interpreter r0 = %d, %v; want %d", c.name, r0, err, c.result)
		}
		if r0 := kernelR0(t, p.Insns, p.Mem); r0 != c.result {
			t.Errorf("%s: kernel r0 = %d; want %d", c.name, r0, c.result)
		}
	}
}

func TestPacketChecksum(t *testing.T) {
	if s := ipChecksum(Packet()[14:34]); s != 0 {
		t.Errorf("the packet's IPv4 header sums to %#x, want 0 (a correct checksum)", s)
	}
}

// TestQuickBench runs the workloads through the harness, scaled down:
// per workload, the JIT against the interpreter and the kernel (net
// figures, with their gross and empty-program figures), then the
// interpreter's ns per instruction against the goal.
func TestQuickBench(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	ws, err := Workloads(Quick)
	if err != nil {
		t.Fatal(err)
	}
	r, err := bench.Run("ebpf", ws, bench.Options{})
	if err != nil {
		t.Fatal(err)
	}
	results := r.Results()
	if len(results) != 3*len(ws)-3 {
		t.Fatalf("%d results for %d workloads, want 3 each (interp, linux jit, interp per instruction), 2 for the object, 1 for verification", len(results), len(ws))
	}
	if last := results[len(results)-1]; last.Workload != VerifyWorkload || last.Contestant != "deepsys verifier" || last.Peer != "linux verifier" ||
		last.Unit != "ns/program" || last.Deepsys <= 0 || last.PeerValue <= 0 {
		t.Errorf("the last result is %+v, want verification against the kernel", last)
	} else {
		t.Logf("%s: ours %.0f ns/program, linux %.0f ns/program, ratio %.3f", last.Workload, last.Deepsys, last.PeerValue, last.Ratio)
	}
	results = results[:len(results)-1]
	if last := results[len(results)-1]; last.Workload != ObjectWorkload || last.Peer != "linux jit" {
		t.Errorf("the last run result is %+v, want the object workload against the kernel", last)
	}
	for i, res := range results {
		if i%3 == 2 && res.Workload != ObjectWorkload {
			if res.Contestant != "deepsys interp" || res.Unit != "ns/insn" || res.Peer != bench.GoalName || res.PeerValue != InterpGoal || res.Deepsys <= 0 {
				t.Errorf("%s: %+v", res.Workload, res)
			}
			t.Logf("%s: %.2f ns/insn (goal %v)", res.Workload, res.Deepsys, res.PeerValue)
			continue
		}
		want := []string{"deepsys interp", "linux jit", "linux jit"}[i%3]
		if res.Contestant != "deepsys jit" || res.Peer != want || res.DeepsysGross == nil || res.PeerOverhead == nil {
			t.Errorf("%s: %+v", res.Workload, res)
			continue
		}
		if *res.DeepsysGross <= 0 || *res.PeerGross <= 0 || *res.DeepsysOverhead <= 0 || *res.PeerOverhead <= 0 {
			t.Errorf("%s: a gross or empty-program figure is not positive: %+v", res.Workload, res)
		}
		t.Logf("%s: jit %.1f ns/run (gross %.1f), %s %.1f ns/run (gross %.1f), ratio %.2f", res.Workload,
			res.Deepsys, *res.DeepsysGross, res.Peer, res.PeerValue, *res.PeerGross, res.Ratio)
	}
}

// TestObjectIsTheTestdataOne: the embedded xdp_counter.o is the one
// ebpf/testdata builds from its source.
func TestObjectIsTheTestdataOne(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "testdata", "xdp_counter.o"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(xdpCounter, want) {
		t.Error("programs/xdp_counter.o differs from ../testdata/xdp_counter.o: copy it again")
	}
}
