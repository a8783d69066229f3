// Package virtio is the device side of virtio 1.2 (OASIS, "Virtual I/O Device
// (VIRTIO) Version 1.2", cited below as "spec x.y"): the split virtqueue and
// the virtio-mmio transport, with one shape for every device model behind
// them (Device, after firecracker's VirtioDevice trait).
//
// A virtio device is driven through shared guest memory. Its life, as this
// package implements it:
//
//  1. Discovery (spec 4.2.2, 4.2.3.1). The driver reads MagicValue
//     ("virt"), Version (2: no legacy interface) and DeviceID from the
//     transport's register page (MMIO.Read at offsets 0x000-0x0fc).
//  2. Initialisation (spec 3.1.1). The driver resets the device (Status = 0),
//     sets ACKNOWLEDGE and DRIVER, reads DeviceFeatures in 32-bit windows,
//     writes the subset it accepts to DriverFeatures, sets FEATURES_OK and
//     re-reads Status: the device keeps FEATURES_OK only if the subset is
//     one it offered and includes VIRTIO_F_VERSION_1 (status.go).
//  3. Queue setup (spec 4.2.3.2). For each queue: QueueSel, read
//     QueueNumMax, write QueueNum (a power of two, spec 2.7), the three
//     guest-physical addresses (descriptor table, driver area = available
//     ring, device area = used ring), then QueueReady = 1.
//  4. DRIVER_OK. The transport validates every ready queue against guest
//     memory (Queue.validate: sizes, alignment of spec 2.7 table 2.1, every
//     byte inside guest RAM) and calls Device.Activate.
//  5. Operation (spec 2.7.13, 2.7.14). The driver puts descriptor chains on
//     the available ring and writes the queue index to QueueNotify; the
//     device pops chains (Queue.Pop: chained and indirect descriptors,
//     device-readable before device-writable, spec 2.7.5-2.7.7), does the
//     work, puts the head and the number of bytes it wrote on the used ring
//     (Queue.PushUsed) and interrupts the driver unless the driver
//     suppressed it (Queue.NeedsInterrupt: VIRTQ_AVAIL_F_NO_INTERRUPT, or
//     with VIRTIO_F_EVENT_IDX the used_event rule of spec 2.7.10).
//  6. Interrupts (spec 4.2.3.4). The transport sets bit 0 (used buffer) or
//     bit 1 (configuration change) of InterruptStatus and calls its IRQ
//     callback; the driver acknowledges through InterruptACK. An irqfd is
//     plugged in as that callback by the VMM.
//  7. Failure (spec 2.1.2). A malformed descriptor chain is the driver's
//     bug or an attack: the device stops, sets DEVICE_NEEDS_RESET, raises a
//     configuration-change interrupt and the error is returned to the VMM;
//     the driver recovers by resetting the device.
//
// Everything a device reads from guest memory goes through GuestMemory,
// whose one method bounds-checks an address range; nothing here indexes
// guest memory without that check, walks a chain further than the table it
// lives in, or trusts a length the guest wrote. The rejected shortcut: a
// device that takes a *[]byte of all of guest RAM and indexes it directly is
// shorter, but one unchecked guest-written index is then a VMM panic.
//
// What is not here yet: packed virtqueues (spec 2.8), VIRTIO_F_NOTIFICATION_DATA,
// shared memory regions (SHMSel reads as "no region"), the PCI transport,
// VIRTIO_F_RING_RESET, and saving queue state for snapshots (see docs/vmm.md
// "Not done yet"). The orderings against a driver on another CPU are in
// barrier.go.
package virtio
