package maps

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

// The program face against the kernel: XDP programs call
// bpf_map_update_elem, bpf_map_delete_elem and bpf_map_lookup_elem on a
// kernel map from a thread pinned to one CPU (BPF_PROG_TEST_RUN runs an XDP
// program on the calling CPU), while our map gets UpdateElem, DeleteElem
// and LookupElem with that CPU. The helpers' results and, after each step,
// every CPU's values through bpf(2) must agree: this is what shows that a
// program's update of a per-CPU entry writes one CPU's copy, and that a
// new entry starts with the other CPUs' copies zeroed.

// onCPU runs f on a thread pinned to cpu.
func onCPU(t *testing.T, cpu int, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread dies with its affinity
		var set unix.CPUSet
		set.Set(cpu)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			t.Errorf("pinning to CPU %d: %v", cpu, err)
			return
		}
		f()
	}()
	<-done
}

// helperProg stores key at fp-16 and value at fp-48, calls helper with
// (map, key[, value, flags]) and returns r0; a lookup returns the first 4
// bytes of the value, or -1 for NULL.
func helperProg(fd int, helper asm.BuiltinFunc, key, value []byte, flags int32) asm.Instructions {
	var insns asm.Instructions
	store := func(b []byte, at int16) {
		for i := 0; i < len(b); i += 4 {
			insns = append(insns, asm.StoreImm(asm.RFP, at+int16(i), int64(int32(binary.NativeEndian.Uint32(b[i:]))), asm.Word))
		}
	}
	store(key, -16)
	store(value, -48)
	insns = append(insns, asm.LoadMapPtr(asm.R1, fd), asm.Mov.Reg(asm.R2, asm.RFP), asm.Add.Imm(asm.R2, -16),
		asm.Mov.Reg(asm.R3, asm.RFP), asm.Add.Imm(asm.R3, -48), asm.Mov.Imm(asm.R4, flags), helper.Call())
	if helper == asm.FnMapLookupElem {
		insns = append(insns, asm.JEq.Imm(asm.R0, 0, "null"), asm.LoadMem(asm.R0, asm.R0, 0, asm.Word), asm.Return(),
			asm.Mov.Imm(asm.R0, -1).WithSymbol("null"))
	}
	return append(insns, asm.Return())
}

// runHelper loads and runs a helperProg on cpu; its r0 as an int32.
func runHelper(t *testing.T, cpu int, insns asm.Instructions) int32 {
	prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{Type: cebpf.XDP, License: "GPL", Instructions: insns})
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	defer prog.Close()
	var ret uint32
	onCPU(t, cpu, func() { ret, err = prog.Run(&cebpf.RunOptions{Data: make([]byte, 14)}) })
	if err != nil {
		t.Fatalf("running: %v", err)
	}
	return int32(ret)
}

// oursHelper is what the helper returns with our map: 0 or -errno, and for
// a lookup the value's first 4 bytes or -1.
func oursHelper(m Elems, op string, key, value []byte, flags uint64, cpu int) int32 {
	switch op {
	case "lookup":
		off, ok := m.LookupElem(key, cpu)
		if !ok {
			return -1
		}
		return int32(binary.NativeEndian.Uint32(m.Memory()[off:]))
	case "update":
		return -int32(errno(m.UpdateElem(key, value, flags, cpu)))
	}
	return -int32(errno(m.DeleteElem(key)))
}

func TestProgramFaceAgainstKernel(t *testing.T) {
	cpus := possibleCPUs(t)
	for _, spec := range []Spec{
		{Type: PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 3},
		{Type: PerCPUHash, KeySize: 4, ValueSize: 8, MaxEntries: 3, Flags: FlagZeroSeed},
		{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 3, Flags: FlagZeroSeed},
		{Type: LRUPerCPUHash, KeySize: 4, ValueSize: 8, MaxEntries: 1024, Flags: FlagZeroSeed},
		{Type: LPMTrie, KeySize: 8, ValueSize: 8, MaxEntries: 3, Flags: FlagNoPrealloc},
	} {
		t.Run(spec.Type.String(), func(t *testing.T) {
			kern := newKernelMap(t, spec)
			ours := mustNew(t, spec, cpus).(Elems)
			r := rand.New(rand.NewPCG(5, 6))
			for step := range 120 {
				progFaceStep(t, step, r, spec, ours, kern, cpus)
			}
		})
	}
}

func progFaceStep(t *testing.T, step int, r *rand.Rand, spec Spec, ours Elems, kern *kernelMap, cpus int) {
	key := u32(uint32(r.IntN(5)))
	if spec.Type == LPMTrie {
		key = append(u32(uint32(r.IntN(3)*8+16)), 10, byte(r.IntN(2)), byte(r.IntN(2)), 0)
	}
	value := randBytes(r, 8)
	flags := uint64(r.IntN(3))
	cpu := r.IntN(cpus)
	helpers := map[string]asm.BuiltinFunc{"lookup": asm.FnMapLookupElem, "update": asm.FnMapUpdateElem, "delete": asm.FnMapDeleteElem}
	op := []string{"lookup", "update", "update", "delete"}[r.IntN(4)]
	if (spec.Type == PerCPUArray || spec.Type == Array) && op == "delete" {
		op = "update"
	}
	what := fmt.Sprintf("step %d: %s %x flags %d on cpu %d", step, op, key, flags, cpu)
	got := runHelper(t, cpu, helperProg(kern.m.FD(), helpers[op], key, value, int32(flags)))
	if want := oursHelper(ours, op, key, value, flags, cpu); got != want {
		t.Fatalf("%s: the kernel's helper returns %d, ours %d", what, got, want)
	}
	size := kernelValueSize(spec, cpus)
	v1, err1 := ours.Lookup(key)
	v2, err2 := kern.Lookup(key, size)
	if errno(err1) != errno(err2) || string(v1) != string(v2) {
		t.Fatalf("%s: then bpf(2) reads %x %v from the kernel, %x %v from ours", what, v2, err2, v1, err1)
	}
}
