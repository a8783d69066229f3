package virtiotest

import (
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/vmm/virtio"
)

// Queue is the driver's side of one split virtqueue.
type Queue struct {
	d                 *Driver
	Index             uint32
	Size              uint16
	Desc, Avail, Used uint64
	nextDesc          uint16 // next descriptor to hand out (round robin)
	availIdx          uint16 // the driver's avail.idx
	usedSeen          uint16 // used entries already returned by Collect
}

// Buf is one buffer of a chain the test builds.
type Buf struct {
	Addr  uint64
	Len   uint32
	Write bool
}

// UsedElem is one entry of the used ring.
type UsedElem struct {
	ID  uint32
	Len uint32
}

// SetupQueue allocates queue i with size entries and programs it (spec
// 4.2.3.2), then sets QueueReady.
func (d *Driver) SetupQueue(i uint32, size uint16) (*Queue, error) {
	n := uint64(size)
	q := &Queue{d: d, Index: i, Size: size,
		Desc:  d.Alloc(16*n, 16),
		Avail: d.Alloc(6+2*n, 2),
		Used:  d.Alloc(6+8*n, 4),
	}
	regs := []struct {
		off uint64
		v   uint32
	}{
		{virtio.RegQueueSel, i}, {virtio.RegQueueNum, uint32(size)},
		{virtio.RegQueueDescLow, uint32(q.Desc)}, {virtio.RegQueueDescHigh, uint32(q.Desc >> 32)},
		{virtio.RegQueueDriverLow, uint32(q.Avail)}, {virtio.RegQueueDriverHigh, uint32(q.Avail >> 32)},
		{virtio.RegQueueDeviceLow, uint32(q.Used)}, {virtio.RegQueueDeviceHigh, uint32(q.Used >> 32)},
		{virtio.RegQueueReady, 1},
	}
	for _, r := range regs {
		if err := d.Write32(r.off, r.v); err != nil {
			return nil, err
		}
	}
	d.Queues = append(d.Queues, q)
	return q, nil
}

// WriteDesc writes descriptor i of the table at table.
func (d *Driver) WriteDesc(table uint64, i uint16, desc virtio.Desc) {
	b := d.Bytes(table+16*uint64(i), 16)
	binary.LittleEndian.PutUint64(b[0:], desc.Addr)
	binary.LittleEndian.PutUint32(b[8:], desc.Len)
	binary.LittleEndian.PutUint16(b[12:], desc.Flags)
	binary.LittleEndian.PutUint16(b[14:], desc.Next)
}

// Add writes bufs as a chain of direct descriptors and makes it available;
// it returns the head index.
func (q *Queue) Add(bufs []Buf) uint16 {
	head := q.nextDesc
	for k, b := range bufs {
		i := q.nextDesc
		q.nextDesc = (q.nextDesc + 1) % q.Size
		desc := virtio.Desc{Addr: b.Addr, Len: b.Len, Flags: flagsOf(b)}
		if k < len(bufs)-1 {
			desc.Flags |= virtio.DescFNext
			desc.Next = q.nextDesc
		}
		q.d.WriteDesc(q.Desc, i, desc)
	}
	q.Publish(head)
	return head
}

// AddIndirect writes bufs into a fresh indirect table and makes one
// descriptor pointing at it available (spec 2.7.5.3).
func (q *Queue) AddIndirect(bufs []Buf) uint16 {
	table := q.d.Alloc(16*uint64(len(bufs)), 16)
	for k, b := range bufs {
		desc := virtio.Desc{Addr: b.Addr, Len: b.Len, Flags: flagsOf(b)}
		if k < len(bufs)-1 {
			desc.Flags |= virtio.DescFNext
			desc.Next = uint16(k + 1)
		}
		q.d.WriteDesc(table, uint16(k), desc)
	}
	head := q.nextDesc
	q.nextDesc = (q.nextDesc + 1) % q.Size
	q.d.WriteDesc(q.Desc, head, virtio.Desc{Addr: table, Len: uint32(16 * len(bufs)), Flags: virtio.DescFIndirect})
	q.Publish(head)
	return head
}

func flagsOf(b Buf) uint16 {
	if b.Write {
		return virtio.DescFWrite
	}
	return 0
}

// Publish puts head on the available ring and advances avail.idx.
func (q *Queue) Publish(head uint16) {
	slot := q.Avail + 4 + 2*uint64(q.availIdx%q.Size)
	binary.LittleEndian.PutUint16(q.d.Bytes(slot, 2), head)
	q.availIdx++
	binary.LittleEndian.PutUint16(q.d.Bytes(q.Avail+2, 2), q.availIdx)
}

// SetAvailFlags writes avail.flags (VIRTQ_AVAIL_F_NO_INTERRUPT is 1).
func (q *Queue) SetAvailFlags(f uint16) {
	binary.LittleEndian.PutUint16(q.d.Bytes(q.Avail, 2), f)
}

// SetUsedEvent writes used_event, after the available ring (spec 2.7.10).
func (q *Queue) SetUsedEvent(v uint16) {
	binary.LittleEndian.PutUint16(q.d.Bytes(q.Avail+4+2*uint64(q.Size), 2), v)
}

// AvailEvent reads avail_event, after the used ring.
func (q *Queue) AvailEvent() uint16 {
	return binary.LittleEndian.Uint16(q.d.Bytes(q.Used+4+8*uint64(q.Size), 2))
}

// UsedFlags reads used.flags.
func (q *Queue) UsedFlags() uint16 { return binary.LittleEndian.Uint16(q.d.Bytes(q.Used, 2)) }

// Collect returns the used entries the device added since the last call.
func (q *Queue) Collect() ([]UsedElem, error) {
	idx := binary.LittleEndian.Uint16(q.d.Bytes(q.Used+2, 2))
	if n := idx - q.usedSeen; n > q.Size {
		return nil, fmt.Errorf("used.idx %d is %d ahead of %d", idx, n, q.usedSeen)
	}
	var out []UsedElem
	for ; q.usedSeen != idx; q.usedSeen++ {
		b := q.d.Bytes(q.Used+4+8*uint64(q.usedSeen%q.Size), 8)
		out = append(out, UsedElem{ID: binary.LittleEndian.Uint32(b), Len: binary.LittleEndian.Uint32(b[4:])})
	}
	return out, nil
}
