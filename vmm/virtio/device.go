package virtio

// Device is the one shape of every virtio device model (firecracker's
// VirtioDevice trait): what it offers, its configuration space, and the
// two events of its life, activation and notification. A transport
// (MMIO here, PCI later) owns the negotiation and calls these.
type Device interface {
	// Type is the virtio device ID (spec 5).
	Type() uint32
	// Features is the feature bits the device offers (spec 2.2).
	Features() uint64
	// QueueMaxSizes is QueueNumMax of each of the device's queues.
	QueueMaxSizes() []uint16
	// ReadConfig fills p from the device configuration space at off; bytes
	// past its end read as zero (spec 4.2.2: config space at 0x100).
	ReadConfig(off uint64, p []byte)
	// WriteConfig writes p at off in the configuration space; an error
	// names a write the device does not allow.
	WriteConfig(off uint64, p []byte) error
	// Activate starts the device after DRIVER_OK with the negotiated
	// features and its queues, already validated against mem.
	Activate(a Activation) error
	// Notify processes what the driver made available on queue i. An error
	// is a malformed ring or chain: the transport stops the device.
	Notify(i int) error
	// Reset stops the device and forgets the activation (spec 2.1.1:
	// Status = 0).
	Reset()
}

// Activation is what a device receives when the driver sets DRIVER_OK.
type Activation struct {
	Mem      GuestMemory
	Features uint64   // the negotiated subset
	Queues   []*Queue // all of the device's queues; only those with Ready set are active
	IRQ      Interrupter
}

// Interrupter raises an interrupt toward the driver (spec 4.2.3.4).
type Interrupter interface {
	// Interrupt sets bits of InterruptStatus and signals the driver.
	Interrupt(status uint32)
}

// Interrupt status bits (spec 4.2.2, InterruptStatus).
const (
	IntUsedBuffer   = 1 // a used buffer notification
	IntConfigChange = 2 // the configuration changed, or DEVICE_NEEDS_RESET
)

// SignalUsed raises a used-buffer interrupt if q's driver wants one
// (Queue.NeedsInterrupt). Devices call it after a batch of PushUsed.
func SignalUsed(irq Interrupter, q *Queue) error {
	need, err := q.NeedsInterrupt()
	if need {
		irq.Interrupt(IntUsedBuffer)
	}
	return err
}
