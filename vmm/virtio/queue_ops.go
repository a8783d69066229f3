package virtio

import "fmt"

// Pop takes the next chain off the available ring (spec 2.7.13, device
// side): ok is false when the driver has made nothing new available. An
// error means the ring or the chain is malformed and the queue is unusable
// until reset.
func (q *Queue) Pop() (c *Chain, ok bool, err error) {
	if q.mem == nil {
		return nil, false, errNotActive
	}
	idx, err := read16(q.mem, q.Avail+2)
	if err != nil {
		return nil, false, fmt.Errorf("virtqueue %d: avail.idx: %w", q.Index, err)
	}
	pending := idx - q.nextAvail
	if pending == 0 {
		return nil, false, nil
	}
	fence() // ordering 1 of barrier.go
	if pending > q.Size {
		return nil, false, fmt.Errorf("virtqueue %d: avail.idx %d is %d entries ahead of the device, more than the queue size %d",
			q.Index, idx, pending, q.Size)
	}
	slot := q.Avail + ringHeader + 2*uint64(q.nextAvail%q.Size)
	head, err := read16(q.mem, slot)
	if err != nil {
		return nil, false, fmt.Errorf("virtqueue %d: avail.ring: %w", q.Index, err)
	}
	if head >= q.Size {
		return nil, false, fmt.Errorf("virtqueue %d: avail.ring[%d] = %d is not a descriptor index (size %d)",
			q.Index, q.nextAvail%q.Size, head, q.Size)
	}
	c = &Chain{Head: head}
	w := walker{mem: q.mem, queue: q.Index, head: head, feats: q.features, chain: c}
	if err := w.walk(q.Desc, int(q.Size), head); err != nil {
		return nil, false, err
	}
	q.nextAvail++
	return c, true, q.publishAvailEvent()
}

// publishAvailEvent asks, with EVENT_IDX, to be notified when the driver
// makes the next entry available (spec 2.7.10).
func (q *Queue) publishAvailEvent() error {
	if !q.has(FeatureEventIdx) || q.notifyOff {
		return nil
	}
	err := write16(q.mem, q.Used+ringHeader+usedElem*uint64(q.Size), q.nextAvail)
	fence() // ordering 3: the caller reads avail.idx next
	return err
}

// PushUsed returns chain head to the driver with written bytes written into
// its device-writable buffers (spec 2.7.8): the element first, then the
// index that publishes it.
func (q *Queue) PushUsed(head uint16, written uint32) error {
	if q.mem == nil {
		return errNotActive
	}
	elem := q.Used + ringHeader + usedElem*uint64(q.nextUsed%q.Size)
	if err := write32(q.mem, elem, uint32(head)); err != nil {
		return err
	}
	if err := write32(q.mem, elem+4, written); err != nil {
		return err
	}
	q.nextUsed++
	fence() // ordering 2
	return write16(q.mem, q.Used+2, q.nextUsed)
}

// NeedsInterrupt says whether the driver wants an interrupt for the used
// entries pushed since the last call (spec 2.7.7.2, 2.7.10): with
// EVENT_IDX, if used.idx stepped past used_event; otherwise unless
// VIRTQ_AVAIL_F_NO_INTERRUPT is set.
func (q *Queue) NeedsInterrupt() (bool, error) {
	if q.mem == nil {
		return false, errNotActive
	}
	old, cur := q.lastIRQ, q.nextUsed
	q.lastIRQ = cur
	if old == cur {
		return false, nil
	}
	fence() // ordering 3
	if q.has(FeatureEventIdx) {
		event, err := read16(q.mem, q.Avail+ringHeader+2*uint64(q.Size))
		return err == nil && needEvent(event, cur, old), err
	}
	flags, err := read16(q.mem, q.Avail)
	return err == nil && flags&availFNoInterrupt == 0, err
}

// SetNotify tells the driver whether the device wants notifications of new
// available entries (spec 2.7.7.1 / 2.7.10). Without EVENT_IDX that is
// VIRTQ_USED_F_NO_NOTIFY in used.flags. With EVENT_IDX, "on" publishes
// avail_event = the next entry, and "off" stops publishing it, so the
// driver's index runs past the stale value and it does not notify. After
// turning notifications back on, the device must Pop again: an entry made
// available while they were off came with no notification.
func (q *Queue) SetNotify(on bool) error {
	if q.mem == nil {
		return errNotActive
	}
	q.notifyOff = !on
	if q.has(FeatureEventIdx) {
		return q.publishAvailEvent()
	}
	var flags uint16
	if !on {
		flags = usedFNoNotify
	}
	return write16(q.mem, q.Used, flags)
}
