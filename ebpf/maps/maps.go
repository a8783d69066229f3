// Package maps holds the eBPF map types of article 4 — array, hash, LRU
// hash, per-CPU array and hash, LPM trie, ring buffer, program array — with
// the kernel's semantics: the same key and value layouts, the same update
// flags (BPF_ANY, BPF_NOEXIST, BPF_EXIST), the same create-time checks and
// the same errno for each refusal, so that a sequence of operations gives
// the same results here as through bpf(2) on Linux. The tests hold us to
// that: they run random operation sequences on our maps and on the
// kernel's, comparing every result, errno and (where we follow the
// kernel's order) every next key.
//
// A map has two faces, as in the kernel. Map is the syscall face (what
// bpf(BPF_MAP_*_ELEM) does for user space: values are copied in and out,
// per-CPU maps read and write every CPU's copy). Elems is the program face
// (what the helpers bpf_map_lookup_elem & co. see): a lookup returns where
// the value lives, because a program gets a pointer to it and reads and
// writes it in place. Every value therefore lives in one slab, Memory(),
// allocated when the map is created and never moved, like the kernel's
// preallocated maps; an engine maps the slab into the program's address
// space and turns an offset in it into a pointer. The ring buffer
// (RingBuffer) and the program array (ProgramArray) have program faces of
// their own.
//
// One mechanism per file: spec.go (New and the kernel's map_alloc_check
// for each type), slab.go and percpu.go (the slab, value padding, per-CPU
// copies), array.go, hash.go with jhash.go (the preallocated hash table
// and its bucket hash) and lru.go, lpm_trie.go, ringbuf.go with
// ringbuf_reader.go, prog_array.go. Each file's comment lists its steps
// and where it departs from the kernel.
//
// Concurrency: the program face may be used from several goroutines at
// once, one per simulated CPU. Hash maps and LPM tries take a mutex per
// map for their tables (the kernel has per-bucket and per-trie locks);
// arrays need none; the ring buffer takes one to reserve and commit; the
// program array's slots are atomic pointers. Values themselves are written
// without locks by programs, as in the kernel, where programs use atomics
// (8-byte aligned: the slab is).
//
// Errors are syscall.Errno values (possibly wrapped), the ones the kernel
// returns: ENOENT (no such key, or no next key), EEXIST (BPF_NOEXIST on a
// present key), E2BIG (the map is full, or an index past max_entries),
// ENOSPC (a full LPM trie), EINVAL (bad flags, sizes or spec; here also a
// key or value of the wrong length, which bpf(2) cannot see), EPERM
// (BPF_F_RDONLY/WRONLY), ENOTSUPP (524, the kernel-internal errno bpf(2)
// leaks) where the kernel refuses an operation for a map type, and ENOMEM
// for a slab over 1 GiB.
package maps

import "syscall"

// Type is a map type, numbered as the kernel's enum bpf_map_type.
type Type uint32

// The map types this package implements (uapi/linux/bpf.h).
const (
	Hash        Type = 1
	Array       Type = 2
	ProgArray   Type = 3
	PerCPUHash  Type = 5
	PerCPUArray Type = 6
	LRUHash     Type = 9
	LPMTrie     Type = 11
	RingBuf     Type = 27
)

// LRUPerCPUHash is BPF_MAP_TYPE_LRU_PERCPU_HASH: the LRU hash with a value
// per CPU (the two mechanisms combine; see hash.go and lru.go).
const LRUPerCPUHash Type = 10

// Map flags (map_flags in uapi/linux/bpf.h). New accepts, per type, the
// subset the kernel's map_alloc_check accepts (see spec.go).
const (
	FlagNoPrealloc  uint32 = 1 << 0  // BPF_F_NO_PREALLOC
	FlagNoCommonLRU uint32 = 1 << 1  // BPF_F_NO_COMMON_LRU
	FlagNUMANode    uint32 = 1 << 2  // BPF_F_NUMA_NODE (accepted, no effect)
	FlagRdOnly      uint32 = 1 << 3  // BPF_F_RDONLY: the syscall face cannot write
	FlagWrOnly      uint32 = 1 << 4  // BPF_F_WRONLY: the syscall face cannot read
	FlagZeroSeed    uint32 = 1 << 6  // BPF_F_ZERO_SEED: hash seed 0, a reproducible order
	FlagRdOnlyProg  uint32 = 1 << 7  // BPF_F_RDONLY_PROG: programs cannot write
	FlagWrOnlyProg  uint32 = 1 << 8  // BPF_F_WRONLY_PROG: programs cannot read
	FlagMmapable    uint32 = 1 << 10 // BPF_F_MMAPABLE (arrays; the slab is the mapping)
	FlagInnerMap    uint32 = 1 << 12 // BPF_F_INNER_MAP (arrays; accepted, no effect)
)

// Update flags (uapi/linux/bpf.h).
const (
	UpdateAny     uint64 = 0 // BPF_ANY: create or replace
	UpdateNoExist uint64 = 1 // BPF_NOEXIST: create only
	UpdateExist   uint64 = 2 // BPF_EXIST: replace only
)

// Spec describes a map as bpf(BPF_MAP_CREATE) and an object file's map
// definitions do.
type Spec struct {
	Name       string
	Type       Type
	KeySize    uint32
	ValueSize  uint32
	MaxEntries uint32
	Flags      uint32 // map_flags (BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ...)
}

// Options are host facts a map needs.
type Options struct {
	// CPUs is the number of possible CPUs, the number of copies of a
	// per-CPU value (the kernel's num_possible_cpus()); 0 means 1.
	CPUs int
}

// Map is the syscall face of a map.
type Map interface {
	Spec() Spec
	// Lookup returns a copy of key's value; for per-CPU maps, every CPU's
	// value in turn, each padded to a multiple of 8 bytes, as bpf(2) does.
	Lookup(key []byte) ([]byte, error)
	// Update sets key's value under flags; per-CPU maps take every CPU's
	// value, laid out as Lookup returns them.
	Update(key, value []byte, flags uint64) error
	Delete(key []byte) error
	// NextKey returns the key after key in the map's iteration order, the
	// first key if key is nil or absent (as the kernel does for hash maps),
	// or ENOENT after the last.
	NextKey(key []byte) ([]byte, error)
}

// Elems is the program face of a map with values in memory (all types but
// the ring buffer and the program array).
type Elems interface {
	Map
	// Memory is the slab every value lives in; it never moves or grows.
	Memory() []byte
	// LookupElem returns the offset in Memory() of key's value as CPU cpu
	// sees it, or ok = false.
	LookupElem(key []byte, cpu int) (off int, ok bool)
	// UpdateElem is bpf_map_update_elem from a program running on cpu: a
	// per-CPU map changes only that CPU's copy.
	UpdateElem(key, value []byte, flags uint64, cpu int) error
	// DeleteElem is bpf_map_delete_elem from a program.
	DeleteElem(key []byte) error
}

// errno values the kernel returns, for use with errors.Is.
var (
	ErrNotFound = syscall.ENOENT
	ErrExists   = syscall.EEXIST
	ErrFull     = syscall.E2BIG
	ErrInvalid  = syscall.EINVAL
	// ErrNoSpace is what a full LPM trie answers (the kernel's ENOSPC,
	// where hash maps say E2BIG).
	ErrNoSpace = syscall.ENOSPC
	// ErrNotSupported is the kernel-internal ENOTSUPP (524), which bpf(2)
	// returns as is: LRU maps without preallocation, ring buffer lookups.
	ErrNotSupported = syscall.Errno(524)
	// ErrPermission is EPERM: a write through a BPF_F_RDONLY map or a read
	// through a BPF_F_WRONLY one (and, here, a program writing a
	// BPF_F_RDONLY_PROG map, which the kernel's verifier refuses).
	ErrPermission = syscall.EPERM
	// ErrWouldBlock is EAGAIN: bpf_ringbuf_output into a full ring buffer,
	// or a ring buffer Reader with no committed record to read.
	ErrWouldBlock = syscall.EAGAIN
)
