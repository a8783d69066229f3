package maps

// The LRU hash's eviction order. The kernel (kernel/bpf/bpf_lru_list.c)
// keeps approximate LRU lists: active and inactive lists with a reference
// bit that a lookup sets and a periodic rotation clears, per-CPU free
// lists that take LOCAL_FREE_TARGET (128) nodes at a time from the global
// list, and with BPF_F_NO_COMMON_LRU one list per CPU. So the kernel may
// evict before the map is full, and evicts an entry that is only roughly
// the least recently used one; it may even evict when an update then fails
// its flags check, since it takes a free node before checking them.
//
// Here the order is exact and global: one doubly linked list over the
// slots, most recently used first. An update and a program's lookup
// (LookupElem) move an entry to the front; the syscall face's Lookup does
// not (the kernel's htab_lru_map_lookup_elem_sys does not set the
// reference bit either). A new key evicts the last entry only when every
// slot is taken, and only when the update will succeed.
// BPF_F_NO_COMMON_LRU is accepted and means the same single list, but
// max_entries is rounded as the kernel rounds it (lruMaxEntries).
//
// Rejected: replicating the kernel's lists. Their evictions depend on which
// CPU ran each operation and on the 128-node batches, so they cannot be
// compared with the kernel's step by step anyway; what the differential
// test compares is what both guarantee (see maps_kernel_test.go).
type lruList struct {
	prev, next []int32
	head, tail int32 // most and least recently used, or noSlot
}

func newLRUList(n int) *lruList {
	return &lruList{prev: filled(n, noSlot), next: filled(n, noSlot), head: noSlot, tail: noSlot}
}

func (l *lruList) pushFront(s int32) {
	l.prev[s], l.next[s] = noSlot, l.head
	if l.head != noSlot {
		l.prev[l.head] = s
	}
	l.head = s
	if l.tail == noSlot {
		l.tail = s
	}
}

func (l *lruList) remove(s int32) {
	p, n := l.prev[s], l.next[s]
	if p != noSlot {
		l.next[p] = n
	} else {
		l.head = n
	}
	if n != noSlot {
		l.prev[n] = p
	} else {
		l.tail = p
	}
	l.prev[s], l.next[s] = noSlot, noSlot
}

func (l *lruList) touch(s int32) {
	if l.head != s {
		l.remove(s)
		l.pushFront(s)
	}
}

// evict frees the least recently used entry. Preconditions: h.mu is held,
// the map is full (so the list is not empty).
func (h *hashMap) evict() {
	victim := h.lru.tail
	b := h.bucket(h.key(victim))
	_, prev := h.find(b, h.key(victim))
	h.release(b, victim, prev)
}

// lruMaxEntries is htab_map_alloc's rounding for BPF_F_NO_COMMON_LRU: each
// CPU's list gets the same number of entries, so max_entries is rounded up
// to a multiple of the CPU count (down if that overflows). Spec() shows the
// rounded figure, as the kernel's map info does.
func lruMaxEntries(spec Spec, cpus int) uint32 {
	lru := spec.Type == LRUHash || spec.Type == LRUPerCPUHash
	if !lru || spec.Flags&FlagNoCommonLRU == 0 {
		return spec.MaxEntries
	}
	n, c := uint64(spec.MaxEntries), uint64(cpus)
	up := (n + c - 1) / c * c
	if up > 1<<32-1 {
		return uint32(n / c * c)
	}
	return uint32(up)
}
