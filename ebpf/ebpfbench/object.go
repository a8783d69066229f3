package ebpfbench

// The XDP parse + map update workload of issue 03: a C program with maps
// and helpers, ebpf/testdata/xdp_counter.c as clang compiled it, linked
// by our ELF loader (ebpf/loader) and run at the XDP hook of ebpf/host on
// our engines, and loaded from the same linked instructions into the
// kernel (ebpf/kernel.LoadObject). Per packet it parses Ethernet and IPv4,
// counts the packet in a per-CPU array (by IP protocol) and in a hash map
// (by source address: an update with BPF_NOEXIST, then a lookup and an
// atomic add), and drops UDP to port 53: three map helpers and an atomic a
// run, on maps that persist from run to run, as they would on a NIC.
//
// It is measured as the assembly workloads are (ebpfbench.go, "Method"),
// except where the hook decides: a batch is a test run of the XDP hook
// with repeat n (host.Program.TestRun on our engines, timed by the
// thread's CPU time; BPF_PROG_TEST_RUN in the kernel, timed by the
// kernel), and the empty program is the minimal XDP program,
// "r0 = XDP_PASS; exit", loaded the same way on each side (in the kernel
// without ebpf/kernel's prolog, which the C program does not need: it reads
// xdp_md itself). What is subtracted is then the hook's cost per run: for
// ebpf/host the frame and xdp_md set-up and a CPU taken for the run, for
// the kernel its test-run loop. There is no per-instruction row: much of a
// run is helper calls.

import (
	"bytes"
	_ "embed"
	"fmt"
	"runtime"
	"slices"
	"time"

	cebpf "github.com/cilium/ebpf"
	casm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/host"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/internal/bench"
)

// xdpCounter is a copy of ebpf/testdata/xdp_counter.o, embedded so that
// the deepsys binary runs the bench from any directory
// (TestObjectIsTheTestdataOne keeps the two equal).
//
//go:embed programs/xdp_counter.o
var xdpCounter []byte

const (
	// ObjectWorkload names the workload of xdp_counter.o.
	ObjectWorkload = "xdp parse + map update (C, xdp_counter.o)"
	objectProgram  = "xdp_count"
	xdpDrop        = 1 // the verdict for the bench packet: UDP to port 53
	xdpPass        = 2 // the empty program's
)

// objectEngine is one contestant of the object workload: load returns
// batches of the program and of the empty XDP program, each checking its
// verdict.
type objectEngine struct {
	name string
	load func(obj *loader.Object, pkt []byte) (prog, empty batch, err error)
}

// objectEngines are the contestants, in the order of engines.
var objectEngines = []objectEngine{
	{"deepsys jit", hostObject(host.JIT)},
	{"deepsys interp", hostObject(host.Interp)},
	{"linux jit", kernelObject},
}

// objectWorkload builds the workload: every contestant on its own copy
// of the object's maps.
func objectWorkload(cfg Config) (bench.Workload, error) {
	w := bench.Workload{Name: ObjectWorkload, Metric: "program run", Unit: "ns/run", Better: bench.LowerIsBetter}
	pkt := Packet()
	for _, e := range objectEngines {
		obj, err := loader.Load(bytes.NewReader(xdpCounter))
		if err != nil {
			return w, fmt.Errorf("ebpfbench: xdp_counter.o: %w", err)
		}
		prog, empty, err := e.load(obj, pkt)
		if err != nil {
			return w, fmt.Errorf("ebpfbench: %s on %s: %w", w.Name, e.name, err)
		}
		n, err := calibrate(cfg.Round/batches, prog)
		if err != nil {
			return w, fmt.Errorf("ebpfbench: %s on %s: %w", w.Name, e.name, err)
		}
		w.Contestants = append(w.Contestants, bench.Contestant{Name: e.name, Run: bestOf(prog, n), Overhead: bestOf(empty, n)})
	}
	return w, nil
}

// emptyXDP is the minimal XDP program.
func emptyXDP() ([]ebpf.Instruction, error) {
	return asm.Assemble(fmt.Sprintf("mov %%r0, %d\nexit", xdpPass))
}

// hostObject loads the object into a collection of ebpf/host on engine
// e, with as many CPUs as this machine (the per-CPU array's copies).
func hostObject(e host.Engine) func(*loader.Object, []byte) (batch, batch, error) {
	return func(obj *loader.Object, pkt []byte) (batch, batch, error) {
		cpus := runtime.NumCPU()
		newMap := func(s maps.Spec) (maps.Map, error) { return maps.New(s, maps.Options{CPUs: cpus}) }
		c, err := host.NewObjectCollection(obj, newMap, host.Options{Engine: e, CPUs: cpus})
		if err != nil {
			return nil, nil, err
		}
		lp := obj.Program(objectProgram)
		if lp == nil {
			return nil, nil, fmt.Errorf("xdp_counter.o has no program %s", objectProgram)
		}
		prog, err := c.LoadProgram(lp)
		if err != nil {
			return nil, nil, err
		}
		insns, err := emptyXDP()
		if err != nil {
			return nil, nil, err
		}
		empty, err := c.Load("empty", host.XDP, insns)
		if err != nil {
			return nil, nil, err
		}
		return hostBatch(prog, pkt, xdpDrop), hostBatch(empty, pkt, xdpPass), nil
	}
}

// hostBatch is one host.Program.TestRun with repeat n, checked for want.
func hostBatch(p *host.Program, pkt []byte, want uint64) batch {
	pkt = slices.Clone(pkt)
	return func(n int) (time.Duration, error) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		start, err := threadTime()
		if err != nil {
			return 0, err
		}
		res, err := p.TestRun(pkt, n)
		if err != nil || res.Retval != want {
			return 0, fmt.Errorf("retval %d, %v; want %d", res.Retval, err, want)
		}
		end, err := threadTime()
		return end - start, err
	}
}

// kernelObject loads the object's maps and program into the kernel with
// ebpf/kernel (the instructions our loader linked, the maps' descriptors
// in their pseudo loads), and the minimal XDP program through cilium/ebpf.
func kernelObject(obj *loader.Object, pkt []byte) (batch, batch, error) {
	ko, err := kernel.LoadObject(obj)
	if err != nil {
		return nil, nil, err
	}
	pkt = slices.Clone(pkt)
	prog := func(n int) (time.Duration, error) {
		ret, _, d, err := ko.TestRun(objectProgram, pkt, n)
		if err != nil || ret != xdpDrop {
			return 0, fmt.Errorf("retval %d, %v; want %d", ret, err, xdpDrop)
		}
		return d * time.Duration(n), nil
	}
	empty, err := cebpf.NewProgram(&cebpf.ProgramSpec{Name: "empty", Type: cebpf.XDP, License: "GPL",
		Instructions: casm.Instructions{casm.Mov.Imm(casm.R0, xdpPass), casm.Return()}})
	if err != nil {
		return nil, nil, fmt.Errorf("loading the empty XDP program: %w", err)
	}
	base := func(n int) (time.Duration, error) {
		ret, d, err := empty.Benchmark(pkt, n, nil)
		if err != nil || ret != xdpPass {
			return 0, fmt.Errorf("the empty program: retval %d, %v; want %d", ret, err, xdpPass)
		}
		return d * time.Duration(n), nil
	}
	return prog, base, nil
}
