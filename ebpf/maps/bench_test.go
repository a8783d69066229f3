package maps

import (
	"encoding/binary"
	"testing"
	"time"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// benchSpecs are the maps the benchmarks look keys up in: 1024 entries,
// 8-byte values, all present.
var benchSpecs = []struct {
	name string
	spec Spec
	key  func(i uint32) []byte
}{
	{"array", Spec{Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1024}, u32},
	{"hash", Spec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1024}, u32},
	{"lru_hash", Spec{Type: LRUHash, KeySize: 4, ValueSize: 8, MaxEntries: 1024}, u32},
	{"lpm_trie", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 8, MaxEntries: 1024, Flags: FlagNoPrealloc},
		func(i uint32) []byte { return append(u32(32), 10, byte(i>>16), byte(i>>8), byte(i)) }},
}

func fill(b *testing.B, m interface {
	Update([]byte, []byte, uint64) error
}, spec Spec, key func(uint32) []byte) {
	for i := range spec.MaxEntries {
		if err := m.Update(key(i), make([]byte, spec.ValueSize), UpdateAny); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupElem is the program face: what bpf_map_lookup_elem costs
// a program here.
func BenchmarkLookupElem(b *testing.B) {
	for _, c := range benchSpecs {
		b.Run(c.name, func(b *testing.B) {
			m := mustNew(b, c.spec, 1).(Elems)
			fill(b, m, c.spec, c.key)
			keys := make([][]byte, c.spec.MaxEntries)
			for i := range keys {
				keys[i] = c.key(uint32(i))
			}
			b.ResetTimer()
			for i := range b.N {
				if _, ok := m.LookupElem(keys[i%len(keys)], 0); !ok {
					b.Fatal("missing key")
				}
			}
		})
	}
}

// BenchmarkSyscallLookup is the syscall face here and bpf(BPF_MAP_LOOKUP_ELEM)
// on the kernel's map, side by side (the kernel's figure is mostly the
// system call).
func BenchmarkSyscallLookup(b *testing.B) {
	for _, c := range benchSpecs {
		b.Run(c.name+"/deepsys", func(b *testing.B) {
			m := mustNew(b, c.spec, 1)
			fill(b, m, c.spec, c.key)
			b.ResetTimer()
			for i := range b.N {
				if _, err := m.Lookup(c.key(uint32(i) % c.spec.MaxEntries)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/linux", func(b *testing.B) {
			k := newKernelMap(b, c.spec)
			fill(b, k, c.spec, c.key)
			b.ResetTimer()
			for i := range b.N {
				if _, err := k.Lookup(c.key(uint32(i)%c.spec.MaxEntries), int(c.spec.ValueSize)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProgramLookup is one key looked up again and again from a
// program: LookupElem here, bpf_map_lookup_elem in an XDP program run by
// BPF_PROG_TEST_RUN there, less an empty program's time per run.
func BenchmarkProgramLookup(b *testing.B) {
	for _, c := range benchSpecs {
		key := c.key(513)
		b.Run(c.name+"/deepsys", func(b *testing.B) {
			m := mustNew(b, c.spec, 1).(Elems)
			fill(b, m, c.spec, c.key)
			b.ResetTimer()
			for range b.N {
				if _, ok := m.LookupElem(key, 0); !ok {
					b.Fatal("missing key")
				}
			}
		})
		b.Run(c.name+"/linux", func(b *testing.B) {
			k := newKernelMap(b, c.spec)
			fill(b, k, c.spec, c.key)
			var insns asm.Instructions
			for i := 0; i < len(key); i += 4 {
				w := int64(int32(binary.NativeEndian.Uint32(key[i:])))
				insns = append(insns, asm.StoreImm(asm.RFP, int16(i-16), w, asm.Word))
			}
			insns = append(insns, asm.LoadMapPtr(asm.R1, k.m.FD()),
				asm.Mov.Reg(asm.R2, asm.RFP), asm.Add.Imm(asm.R2, -16),
				asm.FnMapLookupElem.Call())
			lookup := timePerRun(b, insns)
			empty := timePerRun(b, nil)
			b.ReportMetric(float64(lookup-empty), "ns/op")
		})
	}
}

// timePerRun loads insns (then r0 = XDP_PASS) and returns the kernel's
// mean time per run over b.N runs.
func timePerRun(b *testing.B, insns asm.Instructions) time.Duration {
	prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{Type: cebpf.XDP, License: "GPL",
		Instructions: append(insns, asm.Mov.Imm(asm.R0, 2), asm.Return())})
	if err != nil {
		b.Fatal(err)
	}
	defer prog.Close()
	_, d, err := prog.Benchmark(make([]byte, 14), max(b.N, 1000), nil)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkUpdateElem is bpf_map_update_elem from a program, replacing
// present keys (no allocation is expected on this path).
func BenchmarkUpdateElem(b *testing.B) {
	for _, c := range benchSpecs {
		b.Run(c.name, func(b *testing.B) {
			m := mustNew(b, c.spec, 1).(Elems)
			fill(b, m, c.spec, c.key)
			keys := make([][]byte, c.spec.MaxEntries)
			for i := range keys {
				keys[i] = c.key(uint32(i))
			}
			value := make([]byte, c.spec.ValueSize)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := m.UpdateElem(keys[i%len(keys)], value, UpdateAny, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
