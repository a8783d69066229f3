package maps

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"syscall"
)

// The LPM trie (BPF_MAP_TYPE_LPM_TRIE), kernel/bpf/lpm_trie.c: a binary
// trie of prefixes for longest-prefix-match lookups (IP routing tables).
//
//  1. A key is struct bpf_lpm_trie_key_u8: a 4-byte host-endian prefix
//     length, then data_size = key_size-4 bytes of data read big-endian
//     (data[0] holds the most significant bits); a prefix length past
//     8*data_size is EINVAL for updates and deletes, ENOENT for lookups.
//  2. Each node holds a prefix (length and the key's whole data, bits past
//     the prefix included, which NextKey gives back) and two children
//     chosen by the first bit past the node's prefix. Nodes with a value
//     are "real"; intermediate nodes only split two subtrees that share a
//     shorter prefix, and always have both children.
//  3. Lookup walks down from the root while the node's prefix matches the
//     key (longest_prefix_match, limited by both prefix lengths) and keeps
//     the last real node seen: the longest matching prefix.
//  4. Update walks the same way and then either fills an empty slot,
//     replaces an equal prefix (turning an intermediate node real),
//     inserts the new node as an ancestor, or adds an intermediate node
//     above the new node and the one in its way. New real nodes count
//     against max_entries (a full trie is ENOSPC, not E2BIG); BPF_NOEXIST
//     on a present prefix is EEXIST and BPF_EXIST on a missing one ENOENT
//     (trie_check_add_elem, Linux 6.14 on).
//  5. Delete removes a real node: one with two children becomes
//     intermediate; a leaf under an intermediate node takes that node with
//     it and promotes its sibling; otherwise its only child takes its place.
//  6. NextKey is a post-order walk (trie_get_next_key): more specific
//     prefixes before less specific ones; a missing or invalid key restarts
//     at the leftmost real node.
//
// The kernel allocates a node per update and frees the replaced one after
// an RCU grace period; values here live in the slab (max_entries slots
// with a free list, as BPF_F_NO_PREALLOC is mandatory for the kernel but
// the slab must never move) and a replaced value is overwritten in place.
type trie struct {
	base
	mem      []byte
	dataSize int
	maxLen   uint32

	// mu guards root, every node, free and count (the kernel's trie->lock).
	mu    sync.Mutex
	root  *trieNode
	free  []int32
	count int
}

type trieNode struct {
	child     [2]*trieNode
	prefixlen uint32
	data      []byte
	slot      int32 // its value's slot, or noSlot for an intermediate node
}

func (n *trieNode) im() bool { return n.slot == noSlot }

func newTrie(spec Spec) (*trie, error) {
	t := &trie{base: base{spec: spec, cpus: 1}, dataSize: int(spec.KeySize) - lpmPrefixLenSize}
	t.maxLen = uint32(8 * t.dataSize)
	if err := checkMemory(spec, uint64(spec.MaxEntries)*uint64(t.stride()+4)); err != nil {
		return nil, err
	}
	mem, err := newSlab(spec, uint64(spec.MaxEntries)*uint64(t.stride()))
	if err != nil {
		return nil, err
	}
	t.mem = mem
	t.free = make([]int32, spec.MaxEntries)
	for i := range t.free {
		t.free[i] = int32(len(t.free) - 1 - i)
	}
	return t, nil
}

func (t *trie) Memory() []byte { return t.mem }

// Len is the number of prefixes with a value.
func (t *trie) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count
}

func (t *trie) values(slot int32) []byte {
	return t.mem[int(slot)*t.stride() : (int(slot)+1)*t.stride()]
}

// splitKey decodes a key whose size was checked.
func splitKey(key []byte) (prefixlen uint32, data []byte) {
	return binary.NativeEndian.Uint32(key), key[lpmPrefixLenSize:]
}

func extractBit(data []byte, i uint32) int {
	return int(data[i/8]>>(7-i%8)) & 1
}

// match is longest_prefix_match: the number of leading bits node's data
// and the key's data share, at most min(node's, key's prefix length). Like
// the kernel's, it compares 8 bytes at a time, then 4, then byte by byte.
func match(n *trieNode, prefixlen uint32, data []byte) uint32 {
	limit := min(n.prefixlen, prefixlen)
	var same uint32
	i := 0
	for ; i+8 <= len(data) && same < limit; i += 8 {
		x := binary.BigEndian.Uint64(n.data[i:]) ^ binary.BigEndian.Uint64(data[i:])
		if x != 0 {
			return min(same+uint32(bits.LeadingZeros64(x)), limit)
		}
		same += 64
	}
	if i+4 <= len(data) && same < limit {
		x := binary.BigEndian.Uint32(n.data[i:]) ^ binary.BigEndian.Uint32(data[i:])
		if x != 0 {
			return min(same+uint32(bits.LeadingZeros32(x)), limit)
		}
		same += 32
		i += 4
	}
	for ; i < len(data) && same < limit; i++ {
		x := n.data[i] ^ data[i]
		if x != 0 {
			return min(same+uint32(bits.LeadingZeros8(x)), limit)
		}
		same += 8
	}
	return min(same, limit)
}

// lookup is trie_lookup_elem. Preconditions: t.mu is held.
func (t *trie) lookup(key []byte) *trieNode {
	plen, data := splitKey(key)
	if plen > t.maxLen {
		return nil
	}
	var found *trieNode
	for n := t.root; n != nil; {
		m := match(n, plen, data)
		if m == t.maxLen {
			return n
		}
		if m < n.prefixlen {
			break
		}
		if !n.im() {
			found = n
		}
		n = n.child[extractBit(data, n.prefixlen)]
	}
	return found
}

func (t *trie) Lookup(key []byte) ([]byte, error) {
	if err := t.canRead(); err != nil {
		return nil, err
	}
	if err := t.checkKey(key); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.lookup(key)
	if n == nil {
		return nil, syscall.ENOENT
	}
	return t.copyOut(t.values(n.slot)), nil
}

func (t *trie) LookupElem(key []byte, _ int) (int, bool) {
	if !t.progCanRead() || len(key) != int(t.spec.KeySize) {
		return 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.lookup(key)
	if n == nil {
		return 0, false
	}
	return int(n.slot) * t.stride(), true
}

func (t *trie) Update(key, value []byte, flags uint64) error {
	if err := t.canWrite(); err != nil {
		return err
	}
	return t.UpdateElem(key, value, flags, 0)
}

func (t *trie) UpdateElem(key, value []byte, flags uint64, _ int) error {
	if err := t.progCanWrite(); err != nil {
		return err
	}
	if err := t.checkKey(key); err != nil {
		return err
	}
	if err := t.checkValue(value, int(t.spec.ValueSize)); err != nil {
		return err
	}
	if err := checkFlags(flags); err != nil {
		return err
	}
	plen, data := splitKey(key)
	if plen > t.maxLen {
		return syscall.EINVAL
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := t.insert(plen, data, flags)
	if err != nil {
		return err
	}
	t.copyIn(t.values(n.slot), value)
	return nil
}

// addElem is trie_check_add_elem: a new real node takes a slot.
// Preconditions: t.mu is held.
func (t *trie) addElem(flags uint64) (int32, error) {
	if flags == UpdateExist {
		return noSlot, syscall.ENOENT
	}
	if len(t.free) == 0 {
		return noSlot, syscall.ENOSPC
	}
	s := t.free[len(t.free)-1]
	t.free = t.free[:len(t.free)-1]
	t.count++
	clear(t.values(s))
	return s, nil
}

// insert is trie_update_elem's walk: it returns the real node that will
// hold the value. Preconditions: t.mu is held.
func (t *trie) insert(plen uint32, data []byte, flags uint64) (*trieNode, error) {
	slot := &t.root
	var m uint32
	n := *slot
	for ; n != nil; n = *slot {
		m = match(n, plen, data)
		if n.prefixlen != m || n.prefixlen == plen {
			break
		}
		slot = &n.child[extractBit(data, n.prefixlen)]
	}
	if n != nil && n.prefixlen == m {
		return t.replaceNode(n, data, flags)
	}
	s, err := t.addElem(flags)
	if err != nil {
		return nil, err
	}
	fresh := &trieNode{prefixlen: plen, data: append([]byte(nil), data...), slot: s}
	switch {
	case n == nil:
	case m == plen: // the new prefix is an ancestor of n
		fresh.child[extractBit(n.data, m)] = n
	default: // an intermediate node splits n and the new node
		im := &trieNode{prefixlen: m, data: append([]byte(nil), n.data...), slot: noSlot}
		b := extractBit(data, m)
		im.child[b], im.child[1-b] = fresh, n
		*slot = im
		return fresh, nil
	}
	*slot = fresh
	return fresh, nil
}

// replaceNode updates the node with the key's exact prefix: its data
// becomes the key's (as the kernel's replacement node's does), and an
// intermediate node becomes real. Preconditions: t.mu is held.
func (t *trie) replaceNode(n *trieNode, data []byte, flags uint64) (*trieNode, error) {
	if !n.im() {
		if flags == UpdateNoExist {
			return nil, syscall.EEXIST
		}
	} else {
		s, err := t.addElem(flags)
		if err != nil {
			return nil, err
		}
		n.slot = s
	}
	copy(n.data, data)
	return n, nil
}

func (t *trie) Delete(key []byte) error {
	if err := t.canWrite(); err != nil {
		return err
	}
	return t.DeleteElem(key)
}

// DeleteElem is trie_delete_elem.
func (t *trie) DeleteElem(key []byte) error {
	if err := t.progCanWrite(); err != nil {
		return err
	}
	if err := t.checkKey(key); err != nil {
		return err
	}
	plen, data := splitKey(key)
	if plen > t.maxLen {
		return syscall.EINVAL
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	trim, trim2 := &t.root, &t.root
	var parent *trieNode
	var m uint32
	n := *trim
	for ; n != nil; n = *trim {
		m = match(n, plen, data)
		if n.prefixlen != m || n.prefixlen == plen {
			break
		}
		parent, trim2 = n, trim
		trim = &n.child[extractBit(data, n.prefixlen)]
	}
	if n == nil || n.prefixlen != plen || n.prefixlen != m || n.im() {
		return syscall.ENOENT
	}
	t.release(n)
	t.unlinkNode(n, parent, trim, trim2)
	return nil
}

// release frees n's value slot, making it intermediate.
// Preconditions: t.mu is held.
func (t *trie) release(n *trieNode) {
	t.free = append(t.free, n.slot)
	n.slot = noSlot
	t.count--
}

// unlinkNode removes the now intermediate n unless it has two children.
// Preconditions: t.mu is held.
func (t *trie) unlinkNode(n, parent *trieNode, trim, trim2 **trieNode) {
	switch {
	case n.child[0] != nil && n.child[1] != nil:
	case parent != nil && parent.im() && n.child[0] == nil && n.child[1] == nil:
		if parent.child[0] == n {
			*trim2 = parent.child[1]
		} else {
			*trim2 = parent.child[0]
		}
	case n.child[0] != nil:
		*trim = n.child[0]
	default:
		*trim = n.child[1]
	}
}

// NextKey is trie_get_next_key: post-order, more specific first.
func (t *trie) NextKey(key []byte) ([]byte, error) {
	if err := t.canRead(); err != nil {
		return nil, err
	}
	if key != nil {
		if err := t.checkKey(key); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.root == nil {
		return nil, syscall.ENOENT
	}
	next, err := t.nextNode(key)
	if err != nil {
		return nil, err
	}
	out := binary.NativeEndian.AppendUint32(make([]byte, 0, t.spec.KeySize), next.prefixlen)
	return append(out, next.data...), nil
}

// nextNode finds the node after key's in post-order.
// Preconditions: t.mu is held, the trie is not empty.
func (t *trie) nextNode(key []byte) (*trieNode, error) {
	if key == nil {
		return leftmost(t.root), nil
	}
	plen, data := splitKey(key)
	if plen > t.maxLen {
		return leftmost(t.root), nil
	}
	var stack []*trieNode
	var m uint32
	n := t.root
	for n != nil {
		stack = append(stack, n)
		m = match(n, plen, data)
		if n.prefixlen != m || n.prefixlen == plen {
			break
		}
		n = n.child[extractBit(data, n.prefixlen)]
	}
	if n == nil || n.prefixlen != m || n.im() {
		return leftmost(t.root), nil
	}
	for i := len(stack) - 1; i > 0; i-- {
		node, parent := stack[i], stack[i-1]
		if parent.child[0] == node && parent.child[1] != nil {
			return leftmost(parent.child[1]), nil
		}
		if !parent.im() {
			return parent, nil
		}
	}
	return nil, syscall.ENOENT
}

// leftmost is the first real node of a subtree in post-order.
func leftmost(n *trieNode) *trieNode {
	var next *trieNode
	for n != nil {
		if n.im() {
			n = n.child[0]
			continue
		}
		next = n
		n = n.child[0]
		if n == nil {
			n = next.child[1]
		}
	}
	return next
}
