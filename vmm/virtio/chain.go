package virtio

// Buffer is one guest buffer of a chain, already checked to lie inside
// guest memory.
type Buffer struct {
	Addr  uint64
	Len   uint32
	Write bool // device-writable
}

// Chain is one request popped off the available ring: the head index to
// return on the used ring and its buffers, every device-readable one
// before every device-writable one (spec 2.7.4.2).
type Chain struct {
	Head    uint16
	Buffers []Buffer
}

// Readable returns the device-readable buffers.
func (c *Chain) Readable() []Buffer { return c.Buffers[:c.firstWritable()] }

// Writable returns the device-writable buffers.
func (c *Chain) Writable() []Buffer { return c.Buffers[c.firstWritable():] }

func (c *Chain) firstWritable() int {
	for i, b := range c.Buffers {
		if b.Write {
			return i
		}
	}
	return len(c.Buffers)
}

// walker follows one chain through a descriptor table, direct or
// indirect, bounded by the table's size so that a loop ends.
type walker struct {
	mem      GuestMemory
	queue    int
	head     uint16
	indirect bool
	feats    uint64
	chain    *Chain
}

func (w *walker) fail(index uint16, reason string, err error) error {
	return &ChainError{Queue: w.queue, Head: w.head, Indirect: w.indirect, Index: index, Reason: reason, Err: err}
}

// walk follows the chain starting at entry first of the n-entry table at
// table (spec 2.7.5.2): at most n descriptors, since a longer chain must
// visit some entry twice.
func (w *walker) walk(table uint64, n int, first uint16) error {
	i := first
	for steps := 0; ; steps++ {
		if steps == n {
			return w.fail(i, "chain is longer than its table (a loop)", nil)
		}
		if int(i) >= n {
			return w.fail(i, "next index is past the end of its table", nil)
		}
		d, err := readDesc(w.mem, table, i)
		if err != nil {
			return w.fail(i, "descriptor is outside guest memory", err)
		}
		if err := w.add(i, d); err != nil {
			return err
		}
		if d.Flags&DescFNext == 0 {
			return nil
		}
		i = d.Next
	}
}

// add checks one descriptor and appends its buffer, or descends into the
// indirect table it points to (spec 2.7.5.3.2).
func (w *walker) add(i uint16, d Desc) error {
	if d.Flags&DescFIndirect != 0 {
		return w.descend(i, d)
	}
	if _, err := w.mem.Slice(d.Addr, uint64(d.Len)); err != nil {
		return w.fail(i, "buffer is outside guest memory", err)
	}
	write := d.Flags&DescFWrite != 0
	if !write && len(w.chain.Buffers) > 0 && w.chain.Buffers[len(w.chain.Buffers)-1].Write {
		return w.fail(i, "device-readable buffer after a device-writable one", nil)
	}
	w.chain.Buffers = append(w.chain.Buffers, Buffer{Addr: d.Addr, Len: d.Len, Write: write})
	return nil
}

// descend walks the indirect table d points to. Spec 2.7.5.3.1: the feature
// must have been negotiated, INDIRECT excludes NEXT, an indirect table holds
// no indirect descriptor, and its length is a multiple of 16.
func (w *walker) descend(i uint16, d Desc) error {
	switch {
	case w.feats&(1<<FeatureIndirectDesc) == 0:
		return w.fail(i, "indirect descriptor without VIRTIO_F_INDIRECT_DESC", nil)
	case w.indirect:
		return w.fail(i, "indirect descriptor inside an indirect table", nil)
	case d.Flags&DescFNext != 0:
		return w.fail(i, "indirect descriptor with NEXT set", nil)
	case d.Len == 0 || d.Len%descSize != 0:
		return w.fail(i, "indirect table length is not a non-zero multiple of 16", nil)
	case d.Len/descSize > MaxIndirect:
		return w.fail(i, "indirect table has more than 32768 entries", nil)
	}
	if _, err := w.mem.Slice(d.Addr, uint64(d.Len)); err != nil {
		return w.fail(i, "indirect table is outside guest memory", err)
	}
	w.indirect = true
	err := w.walk(d.Addr, int(d.Len/descSize), 0)
	w.indirect = false
	return err
}
