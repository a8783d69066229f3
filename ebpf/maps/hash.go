package maps

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"sync"
	"syscall"
)

// Hash maps (BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH):
// the kernel's preallocated hash table (kernel/bpf/hashtab.c, htab_map_alloc
// with prealloc_init), which is:
//
//  1. max_entries slots allocated at creation: here a slot i has its key at
//     keys[i*key_size:] and its values at mem[i*stride:], and a free list
//     (the kernel's pcpu_freelist; a stack here) hands them out;
//  2. n_buckets = roundup_pow_of_two(max_entries) chains; a key's bucket is
//     jhash(key, seed) & (n_buckets-1), with a random seed or 0 under
//     BPF_F_ZERO_SEED; a new element goes to the head of its chain;
//  3. an update takes flags BPF_ANY/NOEXIST/EXIST (EEXIST, ENOENT), and a
//     new key with no free slot is E2BIG, or for LRU maps evicts the least
//     recently used entry (lru.go);
//  4. replacing a value moves the element to the head of its chain, as the
//     kernel's does (it links a fresh element and unlinks the old one), but
//     the value is written in place: the kernel gives the replacement a new
//     element so that a program holding the old value reads the old value;
//     here it reads the new one. Per-CPU maps replace in place in both;
//  5. next key: the next element in the key's chain, then the first element
//     of the following non-empty buckets; a missing key (or none) restarts
//     at the first bucket, as htab_map_get_next_key does. With
//     BPF_F_ZERO_SEED this is exactly the kernel's order, since the hash,
//     the bucket count and the chain order are the kernel's.
//
// BPF_F_NO_PREALLOC is accepted and changes nothing: values must live in
// the slab, so every map is preallocated (the kernel's non-preallocated
// maps fail with E2BIG at the same count).
type hashMap struct {
	base
	mem  []byte // every slot's values; never reallocated
	seed uint32

	// mu guards the table: keys, heads, next, free, count and lru (the
	// kernel's per-bucket locks; one lock per map here). Values in mem are
	// written under it by the update paths and without it by programs.
	mu    sync.Mutex
	keys  []byte
	heads []int32 // first slot of each bucket, or -1
	next  []int32 // next slot in the same bucket, or -1
	free  []int32 // free slots, popped from the end
	count int
	lru   *lruList // nil unless an LRU map
}

const noSlot = -1

func newHash(spec Spec, cpus int) (*hashMap, error) {
	spec.MaxEntries = lruMaxEntries(spec, cpus)
	h := &hashMap{base: base{spec: spec, cpus: cpus}}
	n := int(spec.MaxEntries)
	// Bookkeeping: next, free and the LRU list's prev and next per slot,
	// a head per bucket, 4 bytes each.
	if err := checkMemory(spec, uint64(n)*(uint64(h.stride())+uint64(spec.KeySize)+16)+4*uint64(roundPow2(n))); err != nil {
		return nil, err
	}
	mem, err := newSlab(spec, uint64(n)*uint64(h.stride())+uint64(n)*uint64(spec.KeySize))
	if err != nil {
		return nil, err
	}
	h.mem = mem[: n*h.stride() : n*h.stride()] // Memory() must not reach the keys
	h.keys = mem[n*h.stride():]
	h.heads = filled(roundPow2(n), noSlot)
	h.next = filled(n, noSlot)
	h.free = make([]int32, n)
	for i := range h.free {
		h.free[i] = int32(n - 1 - i) // slot 0 is popped first
	}
	if spec.Flags&FlagZeroSeed == 0 {
		h.seed = randomSeed()
	}
	if spec.Type == LRUHash || spec.Type == LRUPerCPUHash {
		h.lru = newLRUList(n)
	}
	return h, nil
}

func filled(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func roundPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// randomSeed is the kernel's get_random_u32() for htab->hashrnd.
func randomSeed() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return binary.NativeEndian.Uint32(b[:])
}

func (h *hashMap) Memory() []byte { return h.mem }

// Len is the number of entries.
func (h *hashMap) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

func (h *hashMap) bucket(key []byte) int {
	return int(htabHash(key, h.seed) & uint32(len(h.heads)-1))
}

func (h *hashMap) key(slot int32) []byte {
	ks := int(h.spec.KeySize)
	return h.keys[int(slot)*ks : (int(slot)+1)*ks]
}

func (h *hashMap) values(slot int32) []byte {
	return h.mem[int(slot)*h.stride() : (int(slot)+1)*h.stride()]
}

// find returns key's slot and the slot before it in its chain.
// Preconditions: h.mu is held.
func (h *hashMap) find(b int, key []byte) (slot, prev int32) {
	prev = noSlot
	for s := h.heads[b]; s != noSlot; prev, s = s, h.next[s] {
		if bytes.Equal(h.key(s), key) {
			return s, prev
		}
	}
	return noSlot, noSlot
}

// unlink removes slot from bucket b's chain. Preconditions: h.mu is held.
func (h *hashMap) unlink(b int, slot, prev int32) {
	if prev == noSlot {
		h.heads[b] = h.next[slot]
	} else {
		h.next[prev] = h.next[slot]
	}
	h.next[slot] = noSlot
}

// pushHead links slot at the head of bucket b. Preconditions: h.mu is held.
func (h *hashMap) pushHead(b int, slot int32) {
	h.next[slot] = h.heads[b]
	h.heads[b] = slot
}

func (h *hashMap) Lookup(key []byte) ([]byte, error) {
	if err := h.canRead(); err != nil {
		return nil, err
	}
	if err := h.checkKey(key); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	slot, _ := h.find(h.bucket(key), key)
	if slot == noSlot {
		return nil, syscall.ENOENT
	}
	return h.copyOut(h.values(slot)), nil
}

func (h *hashMap) Update(key, value []byte, flags uint64) error {
	if err := h.canWrite(); err != nil {
		return err
	}
	if err := h.checkKey(key); err != nil {
		return err
	}
	if err := h.checkValue(value, h.sysValueSize()); err != nil {
		return err
	}
	return h.update(key, flags, func(slot []byte, _ bool) { h.copyIn(slot, value) })
}

func (h *hashMap) UpdateElem(key, value []byte, flags uint64, cpu int) error {
	if err := h.progCanWrite(); err != nil {
		return err
	}
	c, ok := h.cpuIndex(cpu)
	if !ok {
		return syscall.EINVAL
	}
	if err := h.checkKey(key); err != nil {
		return err
	}
	if err := h.checkValue(value, int(h.spec.ValueSize)); err != nil {
		return err
	}
	return h.update(key, flags, func(slot []byte, fresh bool) { h.copyInCPU(slot, value, c, fresh) })
}

// update is htab_map_update_elem and its per-CPU and LRU variants: write
// is called with the entry's values and whether the entry is new.
func (h *hashMap) update(key []byte, flags uint64, write func(values []byte, fresh bool)) error {
	if err := checkFlags(flags); err != nil {
		return err
	}
	b := h.bucket(key)
	h.mu.Lock()
	defer h.mu.Unlock()
	slot, prev := h.find(b, key)
	switch {
	case slot != noSlot && flags == UpdateNoExist:
		return syscall.EEXIST
	case slot == noSlot && flags == UpdateExist:
		return syscall.ENOENT
	case slot != noSlot:
		h.replace(b, slot, prev, write)
		return nil
	}
	slot, err := h.alloc()
	if err != nil {
		return err
	}
	copy(h.key(slot), key)
	h.pushHead(b, slot)
	write(h.values(slot), true)
	return nil
}

// replace writes an existing entry's values; all but per-CPU maps move it
// to the head of its chain. Preconditions: h.mu is held.
func (h *hashMap) replace(b int, slot, prev int32, write func([]byte, bool)) {
	if !h.percpu() {
		h.unlink(b, slot, prev)
		h.pushHead(b, slot)
	}
	if h.lru != nil {
		h.lru.touch(slot)
	}
	write(h.values(slot), false)
}

// alloc pops a free slot; a full map is E2BIG, or for an LRU map gives up
// its least recently used entry. Preconditions: h.mu is held.
func (h *hashMap) alloc() (int32, error) {
	if len(h.free) == 0 {
		if h.lru == nil {
			return noSlot, syscall.E2BIG
		}
		h.evict()
	}
	slot := h.free[len(h.free)-1]
	h.free = h.free[:len(h.free)-1]
	h.count++
	if h.lru != nil {
		h.lru.pushFront(slot)
	}
	return slot, nil
}

// release unlinks slot and returns it to the free list.
// Preconditions: h.mu is held.
func (h *hashMap) release(b int, slot, prev int32) {
	h.unlink(b, slot, prev)
	if h.lru != nil {
		h.lru.remove(slot)
	}
	h.free = append(h.free, slot)
	h.count--
}

func (h *hashMap) Delete(key []byte) error {
	if err := h.canWrite(); err != nil {
		return err
	}
	return h.delete(key)
}

func (h *hashMap) DeleteElem(key []byte) error {
	if err := h.progCanWrite(); err != nil {
		return err
	}
	return h.delete(key)
}

func (h *hashMap) delete(key []byte) error {
	if err := h.checkKey(key); err != nil {
		return err
	}
	b := h.bucket(key)
	h.mu.Lock()
	defer h.mu.Unlock()
	slot, prev := h.find(b, key)
	if slot == noSlot {
		return syscall.ENOENT
	}
	h.release(b, slot, prev)
	return nil
}

func (h *hashMap) LookupElem(key []byte, cpu int) (int, bool) {
	c, ok := h.cpuIndex(cpu)
	if !ok || !h.progCanRead() || len(key) != int(h.spec.KeySize) {
		return 0, false
	}
	b := h.bucket(key)
	h.mu.Lock()
	defer h.mu.Unlock()
	slot, _ := h.find(b, key)
	if slot == noSlot {
		return 0, false
	}
	if h.lru != nil {
		h.lru.touch(slot)
	}
	return int(slot)*h.stride() + c*h.elemSize(), true
}

// NextKey is htab_map_get_next_key.
func (h *hashMap) NextKey(key []byte) ([]byte, error) {
	if err := h.canRead(); err != nil {
		return nil, err
	}
	if key != nil {
		if err := h.checkKey(key); err != nil {
			return nil, err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	first := 0
	if key != nil {
		b := h.bucket(key)
		if slot, _ := h.find(b, key); slot != noSlot {
			if n := h.next[slot]; n != noSlot {
				return bytes.Clone(h.key(n)), nil
			}
			first = b + 1
		}
	}
	for b := first; b < len(h.heads); b++ {
		if s := h.heads[b]; s != noSlot {
			return bytes.Clone(h.key(s)), nil
		}
	}
	return nil, syscall.ENOENT
}
