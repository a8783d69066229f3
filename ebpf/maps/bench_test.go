package maps

import (
	"testing"
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
