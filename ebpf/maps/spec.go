package maps

import (
	"fmt"
	"math"
	"math/bits"
	"os"
	"syscall"
)

// Limits the kernel applies when it creates a map (x86-64 values).
const (
	kmallocMaxSize   = 4 << 20  // KMALLOC_MAX_SIZE: 1 << (PAGE_SHIFT + MAX_PAGE_ORDER)
	pcpuMinUnitSize  = 32 << 10 // PCPU_MIN_UNIT_SIZE: bound on a per-CPU value
	htabElemSize     = 48       // sizeof(struct htab_elem) before the key
	lpmNodeSize      = 40       // sizeof(struct lpm_trie_node) before the data
	lpmDataSizeMax   = 256      // LPM_DATA_SIZE_MAX
	maxHashEntries   = 1 << 31  // htab_map_alloc: more cannot be rounded to a power of 2
	maxSlabBytes     = 1 << 30  // ours: a bigger slab is refused with ENOMEM
	lpmPrefixLenSize = 4        // the u32 prefixlen in front of an LPM key's data
)

// Flag sets each type accepts (the kernel's *_CREATE_FLAG_MASK).
const (
	accessFlags  = FlagRdOnly | FlagWrOnly | FlagRdOnlyProg | FlagWrOnlyProg
	arrayFlags   = FlagNUMANode | FlagMmapable | FlagInnerMap | accessFlags
	hashFlags    = FlagNoPrealloc | FlagNoCommonLRU | FlagNUMANode | FlagZeroSeed | accessFlags
	lpmFlags     = FlagNoPrealloc | FlagNUMANode | accessFlags
	ringBufFlags = FlagNUMANode
)

// New creates a map as bpf(BPF_MAP_CREATE) does: it checks spec as the
// kernel's map_alloc_check for the type does, with the same errno (EINVAL
// for a bad size or flag, E2BIG for a size past a kernel limit), and
// allocates the slab every value will live in.
func New(spec Spec, opts Options) (Map, error) {
	if opts.CPUs <= 0 {
		opts.CPUs = 1
	}
	if err := checkSpec(spec, opts.CPUs); err != nil {
		return nil, err
	}
	switch spec.Type {
	case Array, PerCPUArray:
		return newArray(spec, opts.CPUs)
	case Hash, PerCPUHash, LRUHash, LRUPerCPUHash:
		return newHash(spec, opts.CPUs)
	case LPMTrie:
		return newTrie(spec)
	case RingBuf:
		return newRingBuf(spec)
	case ProgArray:
		return newProgArray(spec)
	}
	return nil, invalid(spec, "unknown map type %d", spec.Type)
}

// invalid is EINVAL with the reason and the map it concerns.
func invalid(spec Spec, format string, args ...any) error {
	return specError(spec, syscall.EINVAL, format, args...)
}

func specError(spec Spec, errno syscall.Errno, format string, args ...any) error {
	return fmt.Errorf("maps: %s %q: %s: %w", spec.Type, spec.Name, fmt.Sprintf(format, args...), errno)
}

// checkSpec is map_create's generic checks, then the type's alloc check.
func checkSpec(spec Spec, cpus int) error {
	if spec.Flags&FlagRdOnly != 0 && spec.Flags&FlagWrOnly != 0 {
		return invalid(spec, "BPF_F_RDONLY and BPF_F_WRONLY together")
	}
	if spec.Flags&FlagRdOnlyProg != 0 && spec.Flags&FlagWrOnlyProg != 0 {
		return invalid(spec, "BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG together")
	}
	switch spec.Type {
	case Array, PerCPUArray:
		return checkArray(spec)
	case Hash, PerCPUHash, LRUHash, LRUPerCPUHash:
		return checkHash(spec, cpus)
	case LPMTrie:
		return checkTrie(spec)
	case RingBuf:
		return checkRingBuf(spec)
	case ProgArray:
		return checkProgArray(spec)
	}
	return invalid(spec, "unknown map type %d", spec.Type)
}

// checkArray is array_map_alloc_check and array_map_alloc's overflow test.
func checkArray(spec Spec) error {
	percpu := spec.Type == PerCPUArray
	switch {
	case spec.MaxEntries == 0 || spec.ValueSize == 0:
		return invalid(spec, "max_entries and value_size must not be 0")
	case spec.KeySize != 4:
		return invalid(spec, "an array's key is a 4-byte index, not %d bytes", spec.KeySize)
	case spec.Flags&^arrayFlags != 0:
		return invalid(spec, "flags %#x not supported by arrays", spec.Flags&^arrayFlags)
	case percpu && spec.Flags&(FlagNUMANode|FlagMmapable|FlagInnerMap) != 0:
		return invalid(spec, "BPF_F_NUMA_NODE, BPF_F_MMAPABLE and BPF_F_INNER_MAP are for plain arrays")
	case spec.ValueSize > math.MaxInt32:
		return specError(spec, syscall.E2BIG, "value_size %d > INT_MAX", spec.ValueSize)
	case percpu && roundUp8(spec.ValueSize) > pcpuMinUnitSize:
		return specError(spec, syscall.E2BIG, "per-CPU value of %d bytes > PCPU_MIN_UNIT_SIZE", spec.ValueSize)
	case spec.MaxEntries > 1<<31:
		return specError(spec, syscall.E2BIG, "max_entries %d cannot be rounded up to a power of 2", spec.MaxEntries)
	}
	return nil
}

// checkHash is htab_map_alloc_check and htab_map_alloc's size test.
func checkHash(spec Spec, cpus int) error {
	percpu := spec.Type == PerCPUHash || spec.Type == LRUPerCPUHash
	lru := spec.Type == LRUHash || spec.Type == LRUPerCPUHash
	switch {
	case spec.Flags&^hashFlags != 0:
		return invalid(spec, "flags %#x not supported by hash maps", spec.Flags&^hashFlags)
	case !lru && spec.Flags&FlagNoCommonLRU != 0:
		return invalid(spec, "BPF_F_NO_COMMON_LRU is for LRU maps")
	case lru && spec.Flags&FlagNoPrealloc != 0:
		return specError(spec, ErrNotSupported, "LRU maps are always preallocated")
	case spec.Flags&FlagNUMANode != 0 && (percpu || spec.Flags&FlagNoCommonLRU != 0):
		return invalid(spec, "BPF_F_NUMA_NODE with per-CPU values or LRU lists")
	case spec.MaxEntries == 0 || spec.KeySize == 0 || spec.ValueSize == 0:
		return invalid(spec, "max_entries, key_size and value_size must not be 0")
	case uint64(spec.KeySize)+uint64(spec.ValueSize) >= kmallocMaxSize-htabElemSize:
		return specError(spec, syscall.E2BIG, "key and value of %d bytes exceed KMALLOC_MAX_SIZE", uint64(spec.KeySize)+uint64(spec.ValueSize))
	case percpu && roundUp8(spec.ValueSize) > pcpuMinUnitSize:
		return specError(spec, syscall.E2BIG, "per-CPU value of %d bytes > PCPU_MIN_UNIT_SIZE", spec.ValueSize)
	case spec.MaxEntries > maxHashEntries:
		return specError(spec, syscall.E2BIG, "max_entries %d > 2^31", spec.MaxEntries)
	}
	return nil
}

// checkTrie is trie_alloc's check: BPF_F_NO_PREALLOC is mandatory, the key
// is a u32 prefix length and 1 to 256 bytes of data.
func checkTrie(spec Spec) error {
	switch {
	case spec.MaxEntries == 0:
		return invalid(spec, "max_entries must not be 0")
	case spec.Flags&FlagNoPrealloc == 0:
		return invalid(spec, "an LPM trie needs BPF_F_NO_PREALLOC")
	case spec.Flags&^lpmFlags != 0:
		return invalid(spec, "flags %#x not supported by LPM tries", spec.Flags&^lpmFlags)
	case spec.KeySize < lpmPrefixLenSize+1 || spec.KeySize > lpmPrefixLenSize+lpmDataSizeMax:
		return invalid(spec, "key_size %d: an LPM key is {u32 prefixlen; 1 to 256 bytes of data}", spec.KeySize)
	case spec.ValueSize == 0 || spec.ValueSize > kmallocMaxSize-lpmDataSizeMax-lpmNodeSize:
		return invalid(spec, "value_size %d out of range", spec.ValueSize)
	}
	return nil
}

// checkRingBuf is ringbuf_map_alloc's check: no key or value, and a data
// size that is a power of 2 and a multiple of the page size.
func checkRingBuf(spec Spec) error {
	page := uint32(os.Getpagesize())
	switch {
	case spec.Flags&^ringBufFlags != 0:
		return invalid(spec, "flags %#x not supported by ring buffers", spec.Flags&^ringBufFlags)
	case spec.KeySize != 0 || spec.ValueSize != 0:
		return invalid(spec, "a ring buffer has no key or value (key_size %d, value_size %d)", spec.KeySize, spec.ValueSize)
	case bits.OnesCount32(spec.MaxEntries) != 1 || spec.MaxEntries%page != 0:
		return invalid(spec, "max_entries %d must be a power of 2 and a multiple of the page size %d", spec.MaxEntries, page)
	}
	return nil
}

// checkProgArray is fd_array_map_alloc_check, then the array's check.
func checkProgArray(spec Spec) error {
	switch {
	case spec.ValueSize != 4:
		return invalid(spec, "a program array's value is a 4-byte fd, not %d bytes", spec.ValueSize)
	case spec.Flags&(FlagRdOnlyProg|FlagWrOnlyProg) != 0:
		return invalid(spec, "BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG are not for program arrays")
	case spec.Flags&(FlagMmapable|FlagInnerMap) != 0:
		return invalid(spec, "BPF_F_MMAPABLE and BPF_F_INNER_MAP are for plain arrays")
	}
	return checkArray(spec)
}

// String names the type as uapi/linux/bpf.h does, without BPF_MAP_TYPE_.
func (t Type) String() string {
	switch t {
	case Hash:
		return "HASH"
	case Array:
		return "ARRAY"
	case ProgArray:
		return "PROG_ARRAY"
	case PerCPUHash:
		return "PERCPU_HASH"
	case PerCPUArray:
		return "PERCPU_ARRAY"
	case LRUHash:
		return "LRU_HASH"
	case LRUPerCPUHash:
		return "LRU_PERCPU_HASH"
	case LPMTrie:
		return "LPM_TRIE"
	case RingBuf:
		return "RINGBUF"
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}
