package virtio

// Notification suppression (spec 2.7.7, 2.7.10).
//
// Without VIRTIO_F_EVENT_IDX each side has a flag: the driver sets
// VIRTQ_AVAIL_F_NO_INTERRUPT in avail.flags to ask for no interrupts, the
// device sets VIRTQ_USED_F_NO_NOTIFY in used.flags to ask for no
// notifications. Both are hints.
//
// With VIRTIO_F_EVENT_IDX the flags are ignored and each side instead
// publishes the ring index at which it next wants to hear from the other:
// the driver writes used_event after the available ring, the device writes
// avail_event after the used ring. The other side signals when, in moving
// its index from old to new, it stepped past that event index.
const (
	availFNoInterrupt = 1 // VIRTQ_AVAIL_F_NO_INTERRUPT
	usedFNoNotify     = 1 // VIRTQ_USED_F_NO_NOTIFY
)

// needEvent is vring_need_event of spec 2.7.10: whether moving an index
// from old to new crossed event, in 16-bit wrapping arithmetic.
func needEvent(event, new, old uint16) bool {
	return new-event-1 < new-old
}
