package virtio

import (
	"errors"
	"fmt"
)

// MaxQueueSize is the largest split virtqueue (spec 2.7: Queue Size is at
// most 32768).
const MaxQueueSize = 32768

// Split virtqueue layout (spec 2.7, table 2.1 and 2.7.6, 2.7.8):
//
//	descriptor table  16 * size bytes, 16-aligned
//	available ring    flags le16, idx le16, ring[size] le16, used_event le16; 2-aligned
//	used ring         flags le16, idx le16, ring[size] {id le32, len le32}, avail_event le16; 4-aligned
const (
	ringHeader = 4 // flags + idx
	usedElem   = 8 // struct virtq_used_elem
)

// Queue is the device's view of one split virtqueue. The transport fills
// the driver-written fields (Size, Desc, Avail, Used, Ready); the device
// pops and pushes through the methods. A Queue is used by one goroutine at
// a time (the device's).
type Queue struct {
	Index   int    // its index on the device, for error messages
	MaxSize uint16 // QueueNumMax: what the device offers
	Size    uint16 // QueueNum: what the driver chose
	Ready   bool   // QueueReady
	Desc    uint64 // guest-physical address of the descriptor table
	Avail   uint64 // of the available ring (the "driver area")
	Used    uint64 // of the used ring (the "device area")

	mem       GuestMemory
	features  uint64 // negotiated
	nextAvail uint16 // next available-ring entry to pop
	nextUsed  uint16 // next used-ring entry to fill (== used.idx)
	lastIRQ   uint16 // used.idx when NeedsInterrupt last answered
	notifyOff bool   // SetNotify(false): the device polls instead
}

// NewQueue returns queue index of at most maxSize entries, not yet set up.
func NewQueue(index int, maxSize uint16) *Queue {
	return &Queue{Index: index, MaxSize: maxSize, Size: maxSize}
}

// Reset returns the queue to its state after a device reset.
func (q *Queue) Reset() {
	*q = Queue{Index: q.Index, MaxSize: q.MaxSize, Size: q.MaxSize}
}

// activate checks the driver's setup against the spec and guest memory and
// binds the queue to them (step 4 of the package comment).
func (q *Queue) activate(mem GuestMemory, features uint64) error {
	if err := q.validate(mem); err != nil {
		return fmt.Errorf("virtqueue %d: %w", q.Index, err)
	}
	q.mem, q.features = mem, features
	q.nextAvail, q.nextUsed, q.lastIRQ, q.notifyOff = 0, 0, 0, false
	return nil
}

func (q *Queue) validate(mem GuestMemory) error {
	n := uint64(q.Size)
	switch {
	case q.Size == 0 || q.Size&(q.Size-1) != 0:
		return fmt.Errorf("size %d is not a power of two", q.Size)
	case q.Size > q.MaxSize:
		return fmt.Errorf("size %d is larger than QueueNumMax %d", q.Size, q.MaxSize)
	case q.Desc%16 != 0 || q.Avail%2 != 0 || q.Used%4 != 0:
		return fmt.Errorf("misaligned rings (desc %#x, avail %#x, used %#x)", q.Desc, q.Avail, q.Used)
	}
	areas := []struct {
		name       string
		addr, size uint64
	}{
		{"descriptor table", q.Desc, descSize * n},
		{"available ring", q.Avail, ringHeader + 2*n + 2},
		{"used ring", q.Used, ringHeader + usedElem*n + 2},
	}
	for _, a := range areas {
		if _, err := mem.Slice(a.addr, a.size); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	return nil
}

func (q *Queue) has(feature uint) bool { return q.features&(1<<feature) != 0 }

// errNotActive is returned by the methods of a queue the driver never made
// ready.
var errNotActive = errors.New("virtqueue is not active")
