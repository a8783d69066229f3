package virtio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// MMIO is the virtio-mmio transport of one device (spec 4.2): it decodes
// the register page, runs the status state machine and the feature and
// queue negotiation, and activates, notifies and resets the device. Read
// and Write are what a VMM calls on an MMIO exit inside the device's
// region, with the offset from its base.
//
// An error from Read or Write reports the guest's misbehaviour (a bad
// access width, a register written out of sequence, a malformed ring): the
// transport has already refused or contained it, so the VMM logs it and
// resumes the vCPU. Linux writes QueueReady = 0 when it deletes a queue,
// usually after resetting the device; that write is refused here, and
// harmless, since the reset already cleared QueueReady.
//
// mu guards every field below it: a vCPU's MMIO exit and an ioeventfd
// goroutine may reach the same device.
type MMIO struct {
	dev Device
	mem GuestMemory
	irq func() // raises the device's interrupt line (an irqfd, later)

	mu          sync.Mutex
	status      uint32
	devFeatSel  uint32
	drvFeatSel  uint32
	drvFeatures uint64
	queueSel    uint32
	queues      []*Queue
	intStatus   uint32
	configGen   uint32
	active      bool
}

// NewMMIO returns the transport for dev over guest memory mem; irq is
// called whenever InterruptStatus gains a bit.
func NewMMIO(dev Device, mem GuestMemory, irq func()) *MMIO {
	m := &MMIO{dev: dev, mem: mem, irq: irq}
	for i, n := range dev.QueueMaxSizes() {
		if n == 0 || n&(n-1) != 0 || n > MaxQueueSize {
			// A device model's constant, not guest input.
			panic(fmt.Sprintf("BUG: virtio device %d offers queue %d of size %d, not a power of two up to %d",
				dev.Type(), i, n, MaxQueueSize))
		}
		m.queues = append(m.queues, NewQueue(i, n))
	}
	return m
}

// AccessError is a guest access the register page does not allow.
type AccessError struct {
	Offset uint64
	Len    int
	Write  bool
	Reason string
}

func (e *AccessError) Error() string {
	op := "read"
	if e.Write {
		op = "write"
	}
	return fmt.Sprintf("virtio-mmio: %d-byte %s at offset %#x: %s", e.Len, op, e.Offset, e.Reason)
}

// Read serves a guest load of len(p) bytes at offset off. On error p is
// zeroed (the guest reads 0) and the error says why.
func (m *MMIO) Read(off uint64, p []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if off >= ConfigOffset {
		m.dev.ReadConfig(off-ConfigOffset, p)
		return nil
	}
	clear(p)
	if err := checkRegAccess(off, len(p), false); err != nil {
		return err
	}
	v, err := m.readReg(off)
	binary.LittleEndian.PutUint32(p, v)
	return err
}

// Write serves a guest store of p at offset off.
func (m *MMIO) Write(off uint64, p []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if off >= ConfigOffset {
		return m.dev.WriteConfig(off-ConfigOffset, p)
	}
	if err := checkRegAccess(off, len(p), true); err != nil {
		return err
	}
	return m.writeReg(off, binary.LittleEndian.Uint32(p))
}

// checkRegAccess enforces spec 4.2.2: registers are accessed 32 bits wide
// and aligned.
func checkRegAccess(off uint64, n int, write bool) error {
	if n != 4 || off%4 != 0 {
		return &AccessError{Offset: off, Len: n, Write: write, Reason: "registers take aligned 32-bit accesses only (spec 4.2.2)"}
	}
	return nil
}

// queue returns the queue QueueSel picks, or nil.
func (m *MMIO) queue() *Queue {
	if int64(m.queueSel) >= int64(len(m.queues)) {
		return nil
	}
	return m.queues[m.queueSel]
}

// Interrupt implements Interrupter for the device (step 6 of the package
// comment). Preconditions: m.mu is held — devices call it only from
// Activate and Notify, which the transport calls with it held.
func (m *MMIO) Interrupt(status uint32) {
	m.intStatus |= status
	if m.irq != nil {
		m.irq()
	}
}

// ErrNeedsReset is returned for a notification to a device that stopped on
// an error; the driver must reset it.
var ErrNeedsReset = errors.New("virtio-mmio: device needs reset")
