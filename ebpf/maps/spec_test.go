package maps

import (
	"syscall"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

const enotsupp = syscall.Errno(524)

// specCases are create-time checks: the errno New returns, which is the
// kernel's (TestSpecAgainstKernel checks each with a raw BPF_MAP_CREATE).
var specCases = []struct {
	name string
	spec Spec
	want syscall.Errno
}{
	{"array", Spec{Type: Array, KeySize: 4, ValueSize: 3, MaxEntries: 10}, 0},
	{"array key 8", Spec{Type: Array, KeySize: 8, ValueSize: 4, MaxEntries: 10}, syscall.EINVAL},
	{"array value 0", Spec{Type: Array, KeySize: 4, ValueSize: 0, MaxEntries: 10}, syscall.EINVAL},
	{"array entries 0", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 0}, syscall.EINVAL},
	{"array no prealloc", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagNoPrealloc}, syscall.EINVAL},
	{"array mmapable", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagMmapable}, 0},
	{"array rdonly+wronly", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagRdOnly | FlagWrOnly}, syscall.EINVAL},
	{"array rdonly_prog+wronly_prog", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagRdOnlyProg | FlagWrOnlyProg}, syscall.EINVAL},
	{"array rdonly_prog", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagRdOnlyProg}, 0},
	{"array zero seed", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagZeroSeed}, syscall.EINVAL},
	{"percpu array", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 12, MaxEntries: 4}, 0},
	{"percpu array mmapable", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagMmapable}, syscall.EINVAL},
	{"percpu array value 32K+1", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 32<<10 + 1, MaxEntries: 1}, syscall.E2BIG},
	{"hash", Spec{Type: Hash, KeySize: 3, ValueSize: 5, MaxEntries: 7}, 0},
	{"hash key 0", Spec{Type: Hash, KeySize: 0, ValueSize: 5, MaxEntries: 7}, syscall.EINVAL},
	{"hash value 0", Spec{Type: Hash, KeySize: 4, ValueSize: 0, MaxEntries: 7}, syscall.EINVAL},
	{"hash entries 0", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 0}, syscall.EINVAL},
	{"hash no prealloc", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 7, Flags: FlagNoPrealloc}, 0},
	{"hash zero seed", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 7, Flags: FlagZeroSeed}, 0},
	{"hash no common lru", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 7, Flags: FlagNoCommonLRU}, syscall.EINVAL},
	{"hash mmapable", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 7, Flags: FlagMmapable}, syscall.EINVAL},
	{"hash key+value 4M", Spec{Type: Hash, KeySize: 4, ValueSize: 4 << 20, MaxEntries: 1}, syscall.E2BIG},
	{"percpu hash", Spec{Type: PerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 7}, 0},
	{"percpu hash value 32K+1", Spec{Type: PerCPUHash, KeySize: 4, ValueSize: 32<<10 + 1, MaxEntries: 1}, syscall.E2BIG},
	{"lru", Spec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 7}, 0},
	{"lru no prealloc", Spec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 7, Flags: FlagNoPrealloc}, enotsupp},
	{"lru no common lru", Spec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 8, Flags: FlagNoCommonLRU}, 0},
	{"lru percpu", Spec{Type: LRUPerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 8}, 0},
	{"lpm", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc}, 0},
	{"lpm prealloc", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 8}, syscall.EINVAL},
	{"lpm key 4", Spec{Type: LPMTrie, KeySize: 4, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc}, syscall.EINVAL},
	{"lpm key 260", Spec{Type: LPMTrie, KeySize: 260, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc}, 0},
	{"lpm key 261", Spec{Type: LPMTrie, KeySize: 261, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc}, syscall.EINVAL},
	{"lpm value 0", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 0, MaxEntries: 8, Flags: FlagNoPrealloc}, syscall.EINVAL},
	{"lpm entries 0", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 0, Flags: FlagNoPrealloc}, syscall.EINVAL},
	{"lpm zero seed", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc | FlagZeroSeed}, syscall.EINVAL},
	{"ringbuf", Spec{Type: RingBuf, MaxEntries: 4096}, 0},
	{"ringbuf 64K", Spec{Type: RingBuf, MaxEntries: 64 << 10}, 0},
	{"ringbuf not pow2", Spec{Type: RingBuf, MaxEntries: 3 * 4096}, syscall.EINVAL},
	{"ringbuf below a page", Spec{Type: RingBuf, MaxEntries: 2048}, syscall.EINVAL},
	{"ringbuf key", Spec{Type: RingBuf, KeySize: 4, MaxEntries: 4096}, syscall.EINVAL},
	{"ringbuf value", Spec{Type: RingBuf, ValueSize: 4, MaxEntries: 4096}, syscall.EINVAL},
	{"ringbuf no prealloc", Spec{Type: RingBuf, MaxEntries: 4096, Flags: FlagNoPrealloc}, syscall.EINVAL},
	{"prog array", Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4}, 0},
	{"prog array value 8", Spec{Type: ProgArray, KeySize: 4, ValueSize: 8, MaxEntries: 4}, syscall.EINVAL},
	{"prog array key 8", Spec{Type: ProgArray, KeySize: 8, ValueSize: 4, MaxEntries: 4}, syscall.EINVAL},
	{"prog array rdonly_prog", Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4, Flags: FlagRdOnlyProg}, syscall.EINVAL},
	{"prog array mmapable", Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4, Flags: FlagMmapable}, syscall.EINVAL},
	{"array numa", Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagNUMANode}, 0},
	{"percpu array numa", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagNUMANode}, syscall.EINVAL},
	{"hash numa", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagNUMANode}, 0},
	{"percpu hash numa", Spec{Type: PerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 1, Flags: FlagNUMANode}, syscall.EINVAL},
	{"lru numa no common lru", Spec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 2, Flags: FlagNUMANode | FlagNoCommonLRU}, syscall.EINVAL},
	{"ringbuf numa", Spec{Type: RingBuf, MaxEntries: 4096, Flags: FlagNUMANode}, 0},
	{"ringbuf rdonly", Spec{Type: RingBuf, MaxEntries: 4096, Flags: FlagRdOnly}, syscall.EINVAL},
	{"lpm rdonly", Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 8, Flags: FlagNoPrealloc | FlagRdOnly}, 0},
	{"prog array rdonly", Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4, Flags: FlagRdOnly}, 0},
	{"array huge value", Spec{Type: Array, KeySize: 4, ValueSize: 1 << 31, MaxEntries: 1}, syscall.E2BIG},
	{"hash 2^31+1 entries", Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1<<31 + 1}, syscall.E2BIG},
	{"unknown type", Spec{Type: 200, KeySize: 4, ValueSize: 4, MaxEntries: 4}, syscall.EINVAL},
}

func TestSpec(t *testing.T) {
	for _, c := range specCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.spec, Options{CPUs: 2})
			if got := errno(err); got != c.want {
				t.Errorf("New: errno %v (%v), want %v", got, err, c.want)
			}
		})
	}
}

func TestSpecAgainstKernel(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	for _, c := range specCases {
		if got := kernelCreate(c.spec); got != c.want {
			t.Errorf("%s: the kernel's BPF_MAP_CREATE says %v, the table %v", c.name, got, c.want)
		}
	}
}

// TestSpecMemoryLimit: maps the kernel might allocate (or refuse with
// ENOMEM) but this package refuses with ENOMEM, before allocating anything.
func TestSpecMemoryLimit(t *testing.T) {
	for _, spec := range []Spec{
		{Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 1 << 31},
		{Type: PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 1 << 24},
		{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 1 << 31},
		{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1 << 26},
		{Type: LRUPerCPUHash, KeySize: 4, ValueSize: 8, MaxEntries: 1 << 27},
		{Type: LPMTrie, KeySize: 8, ValueSize: 8, MaxEntries: 1 << 31, Flags: FlagNoPrealloc},
		{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 1 << 31},
		{Type: RingBuf, MaxEntries: 1 << 31},
	} {
		if _, err := New(spec, Options{CPUs: 128}); errno(err) != syscall.ENOMEM {
			t.Errorf("%v with %d entries: %v, want ENOMEM", spec.Type, spec.MaxEntries, err)
		}
	}
}
