package maps

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The differential test: random operation sequences run on our map and on
// the kernel's, with every result and errno compared after every step.
// Keys come from a small set so that collisions, misses and full maps
// happen. Iteration is compared in order where we match the kernel's
// order (arrays, LPM tries, and hash maps under BPF_F_ZERO_SEED, whose
// buckets are then the kernel's), as a set of keys otherwise.

type diffCase struct {
	name  string
	spec  Spec
	key   func(r *rand.Rand, spec Spec) []byte
	exact bool // compare iteration order, not just the keys visited
}

var diffCases = []diffCase{
	{"array", Spec{Type: Array, KeySize: 4, ValueSize: 5, MaxEntries: 6}, indexKey, true},
	{"percpu array", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 12, MaxEntries: 6}, indexKey, true},
	{"hash", Spec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 8}, smallKey, false},
	{"hash zero seed", Spec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 8, Flags: FlagZeroSeed}, smallKey, true},
	{"hash zero seed odd key", Spec{Type: Hash, KeySize: 7, ValueSize: 3, MaxEntries: 5, Flags: FlagZeroSeed}, smallKey, true},
	{"hash zero seed long key", Spec{Type: Hash, KeySize: 20, ValueSize: 3, MaxEntries: 5, Flags: FlagZeroSeed}, smallKey, true},
	{"hash zero seed 27-byte key", Spec{Type: Hash, KeySize: 27, ValueSize: 3, MaxEntries: 6, Flags: FlagZeroSeed}, wideKey, true},
	{"hash no prealloc", Spec{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 8, Flags: FlagNoPrealloc | FlagZeroSeed}, smallKey, true},
	{"percpu hash", Spec{Type: PerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 8, Flags: FlagZeroSeed}, smallKey, true},
	// LRU maps with room to spare: the kernel's per-CPU free lists take
	// 128 nodes at a time and evict early otherwise (lru.go).
	{"lru hash", Spec{Type: LRUHash, KeySize: 4, ValueSize: 8, MaxEntries: 1024, Flags: FlagZeroSeed}, smallKey, true},
	{"lru percpu hash", Spec{Type: LRUPerCPUHash, KeySize: 4, ValueSize: 8, MaxEntries: 1024, Flags: FlagZeroSeed}, smallKey, true},
	{"lpm ipv4", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc}, lpmKey, true},
	{"lpm 3 bytes", Spec{Type: LPMTrie, KeySize: 7, ValueSize: 9, MaxEntries: 12, Flags: FlagNoPrealloc}, lpmKey, true},
	{"lpm 9 bytes", Spec{Type: LPMTrie, KeySize: 13, ValueSize: 1, MaxEntries: 12, Flags: FlagNoPrealloc}, lpmKey, true},
}

// indexKey is an index around max_entries.
func indexKey(r *rand.Rand, spec Spec) []byte {
	return binary.NativeEndian.AppendUint32(nil, uint32(r.IntN(int(spec.MaxEntries)+3)))
}

// smallKey is one of 16 keys: a 4-byte number in the first bytes.
func smallKey(r *rand.Rand, spec Spec) []byte {
	k := make([]byte, spec.KeySize)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(r.IntN(16))*0x9e3779b1)
	copy(k, n[:])
	return k
}

// wideKey is one of 16 keys with bytes set all along (so every word of
// jhash's loop and its tail matter).
func wideKey(r *rand.Rand, spec Spec) []byte {
	k := make([]byte, spec.KeySize)
	n := byte(r.IntN(16))
	for i := range k {
		k[i] = n * byte(i+1)
	}
	return k
}

// lpmKey is a prefix length near interesting boundaries (sometimes past
// the maximum) and data from a few close addresses.
func lpmKey(r *rand.Rand, spec Spec) []byte {
	size := int(spec.KeySize) - 4
	lens := []int{0, 1, 7, 8, 9, 12, 16, 8 * size, 8*size - 1, 8*size + 1}
	k := binary.NativeEndian.AppendUint32(nil, uint32(lens[r.IntN(len(lens))]))
	data := make([]byte, size)
	data[0] = []byte{10, 10, 11, 192}[r.IntN(4)]
	for i := 1; i < size; i++ {
		data[i] = byte(r.IntN(3)) << 6
	}
	return append(k, data...)
}

func TestDifferential(t *testing.T) {
	for _, c := range diffCases {
		t.Run(c.name, func(t *testing.T) {
			kern := newKernelMap(t, c.spec)
			for seed := range uint64(8) {
				ours, err := New(c.spec, Options{CPUs: possibleCPUs(t)})
				if err != nil {
					t.Fatal(err)
				}
				clearKernel(t, kern)
				runDiff(t, c, ours, kern, rand.New(rand.NewPCG(seed, 1)), 400)
			}
		})
	}
}

// clearKernel empties the kernel's map between sequences (arrays are
// rebuilt with zeros).
func clearKernel(t *testing.T, k *kernelMap) {
	t.Helper()
	if k.spec.Type == Array || k.spec.Type == PerCPUArray {
		zero := make([]byte, kernelValueSize(k.spec, possibleCPUs(t)))
		for i := range k.spec.MaxEntries {
			_ = k.Update(binary.NativeEndian.AppendUint32(nil, i), zero, 0)
		}
		return
	}
	for {
		key, err := k.NextKey(nil)
		if err != nil {
			return
		}
		if err := k.Delete(key); err != nil {
			t.Fatalf("clearing the kernel's map: %v", err)
		}
	}
}

func kernelValueSize(spec Spec, cpus int) int {
	b := base{spec: spec, cpus: cpus}
	return b.sysValueSize()
}

func runDiff(t *testing.T, c diffCase, ours Map, kern *kernelMap, r *rand.Rand, steps int) {
	t.Helper()
	size := kernelValueSize(c.spec, possibleCPUs(t))
	var log []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nafter:\n  %s", fmt.Sprintf(format, args...), joinTail(log, 20))
	}
	for range steps {
		key := c.key(r, c.spec)
		switch op := r.IntN(10); {
		case op < 4:
			flags := uint64(r.IntN(3))
			if r.IntN(20) == 0 {
				flags = uint64(3 + r.IntN(3))
			}
			value := randBytes(r, size)
			e1, e2 := errno(ours.Update(key, value, flags)), errno(kern.Update(key, value, flags))
			log = append(log, fmt.Sprintf("update %x flags %d: %v", key, flags, e1))
			if e1 != e2 {
				fail("update %x flags %d: ours %v, kernel %v", key, flags, e1, e2)
			}
		case op < 6:
			v1, err1 := ours.Lookup(key)
			v2, err2 := kern.Lookup(key, size)
			log = append(log, fmt.Sprintf("lookup %x: %v", key, errno(err1)))
			if errno(err1) != errno(err2) || !bytes.Equal(v1, v2) {
				fail("lookup %x: ours %x %v, kernel %x %v", key, v1, errno(err1), v2, errno(err2))
			}
		case op < 8:
			e1, e2 := errno(ours.Delete(key)), errno(kern.Delete(key))
			log = append(log, fmt.Sprintf("delete %x: %v", key, e1))
			if e1 != e2 {
				fail("delete %x: ours %v, kernel %v", key, e1, e2)
			}
		case op < 9 && c.exact: // otherwise the next key depends on the order
			if r.IntN(4) == 0 {
				key = nil
			}
			k1, err1 := ours.NextKey(key)
			k2, err2 := kern.NextKey(key)
			log = append(log, fmt.Sprintf("next %x: %x %v", key, k1, errno(err1)))
			if errno(err1) != errno(err2) || (c.exact && !bytes.Equal(k1, k2)) {
				fail("next key after %x: ours %x %v, kernel %x %v", key, k1, errno(err1), k2, errno(err2))
			}
		case op == 9:
			o1, o2 := walk(ours.NextKey), walk(kern.NextKey)
			if !c.exact {
				slices.SortFunc(o1, bytes.Compare)
				slices.SortFunc(o2, bytes.Compare)
			}
			if !slices.EqualFunc(o1, o2, bytes.Equal) {
				fail("iteration: ours %x, kernel %x", o1, o2)
			}
		}
	}
}

// walk iterates with NextKey from nil until ENOENT (at most 10000 keys).
func walk(next func([]byte) ([]byte, error)) [][]byte {
	var keys [][]byte
	var key []byte
	for range 10000 {
		k, err := next(key)
		if err != nil {
			break
		}
		keys = append(keys, k)
		key = k
	}
	return keys
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func joinTail(log []string, n int) string {
	if len(log) > n {
		log = log[len(log)-n:]
	}
	var b bytes.Buffer
	for i, l := range log {
		if i > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString(l)
	}
	return b.String()
}
