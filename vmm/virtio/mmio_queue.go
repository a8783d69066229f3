package virtio

import "fmt"

// writeQueueReg sets up the queue QueueSel picks (spec 4.2.3.2). Queue
// registers are written after FEATURES_OK and before DRIVER_OK; a queue
// already Ready is not changed (spec 4.2.2: the driver must not change it
// while ready).
func (m *MMIO) writeQueueReg(off uint64, v uint32) error {
	q := m.queue()
	switch {
	case m.status != StatusAcknowledge|StatusDriver|StatusFeaturesOK:
		return m.refuse(off, fmt.Sprintf("queue register written in status %#x, not after FEATURES_OK and before DRIVER_OK", m.status))
	case q == nil:
		return m.refuse(off, fmt.Sprintf("QueueSel %d: the device has %d queues", m.queueSel, len(m.queues)))
	case off == RegQueueReady:
		q.Ready = v&1 == 1
		return nil
	case q.Ready:
		return m.refuse(off, fmt.Sprintf("queue %d is ready; set QueueReady to 0 first", m.queueSel))
	}
	switch off {
	case RegQueueNum:
		if v > 0xffff {
			return m.refuse(off, fmt.Sprintf("QueueNum %d is larger than any queue", v))
		}
		q.Size = uint16(v)
	case RegQueueDescLow, RegQueueDescHigh:
		q.Desc = setHalf(q.Desc, off == RegQueueDescHigh, v)
	case RegQueueDriverLow, RegQueueDriverHigh:
		q.Avail = setHalf(q.Avail, off == RegQueueDriverHigh, v)
	case RegQueueDeviceLow, RegQueueDeviceHigh:
		q.Used = setHalf(q.Used, off == RegQueueDeviceHigh, v)
	}
	return nil
}

// setHalf replaces the low or high 32 bits of a 64-bit address register.
func setHalf(a uint64, high bool, v uint32) uint64 {
	if high {
		return a&0xffffffff | uint64(v)<<32
	}
	return a&^0xffffffff | uint64(v)
}

// notify hands a QueueNotify to the device. An error from it stops the
// device (step 7 of the package comment).
func (m *MMIO) notify(v uint32) error {
	if !m.active {
		if m.status&StatusDeviceNeedsReset != 0 {
			return ErrNeedsReset
		}
		return m.refuse(RegQueueNotify, "notification before DRIVER_OK")
	}
	if int64(v) >= int64(len(m.queues)) || !m.queues[v].Ready {
		return m.refuse(RegQueueNotify, fmt.Sprintf("queue %d does not exist or is not ready", v))
	}
	if err := m.dev.Notify(int(v)); err != nil {
		m.fail()
		return fmt.Errorf("virtio-mmio: device %d: %w", m.dev.Type(), err)
	}
	return nil
}

// Notify is QueueNotify from outside the register page (an ioeventfd
// fired for queue i).
func (m *MMIO) Notify(i uint32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.notify(i)
}

// fail stops the device and tells the driver: DEVICE_NEEDS_RESET plus a
// configuration-change interrupt (spec 2.1.2).
func (m *MMIO) fail() {
	m.active = false
	m.dev.Reset()
	m.status |= StatusDeviceNeedsReset
	m.Interrupt(IntConfigChange)
}
