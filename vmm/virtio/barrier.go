package virtio

import "sync/atomic"

// Memory ordering against a driver on another CPU (spec 2.7.13.3.1 and
// 2.7.8: "a memory barrier" before publishing an index, Linux's
// virtio_wmb/virtio_rmb/virtio_mb).
//
// The ring fields are plain loads and stores into guest memory, which a
// guest vCPU writes concurrently. Three orderings matter:
//
//  1. Pop reads avail.idx, then the ring entry and descriptors it covers:
//     those loads must not be satisfied before the index load (read
//     barrier).
//  2. PushUsed writes the used element, then used.idx: the driver must not
//     see the new index before the element (write barrier).
//  3. After publishing used.idx (or avail_event), NeedsInterrupt (or the
//     next Pop) reads what the driver wrote, used_event (or avail.idx):
//     the store must be visible before the load, or both sides can decide
//     the other will act and an interrupt or a notification is lost (full
//     barrier; the one x86 reorders, store-load).
//
// fence is all three: a locked read-modify-write (LOCK XADD on amd64),
// which the CPU does not reorder any load or store across and which the Go
// compiler treats as a synchronising operation it does not move plain
// memory accesses over. The word is shared by every queue; its cache line
// bouncing between vCPU threads costs less than the exit that brought us
// here.
var fenceWord atomic.Uint32

func fence() { fenceWord.Add(0) }
