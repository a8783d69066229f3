package virtio

import "fmt"

// writeStatus runs one step of the initialisation sequence (status.go);
// 0 resets the device (spec 4.2.3.1: writing 0 to Status resets, and the
// driver sees 0 when the reset is done).
func (m *MMIO) writeStatus(v uint32) error {
	if v == 0 {
		m.reset()
		return nil
	}
	next, activate, err := nextStatus(m.status, v, m.featuresAcceptable())
	if err != nil {
		return err
	}
	m.status = next
	if activate {
		return m.activate()
	}
	return nil
}

// activate validates the ready queues and starts the device (step 4 of the
// package comment). A bad queue leaves the device in DEVICE_NEEDS_RESET.
func (m *MMIO) activate() error {
	for _, q := range m.queues {
		if !q.Ready {
			continue
		}
		if err := q.activate(m.mem, m.drvFeatures); err != nil {
			m.fail()
			return fmt.Errorf("virtio-mmio: DRIVER_OK: %w", err)
		}
	}
	err := m.dev.Activate(Activation{Mem: m.mem, Features: m.drvFeatures, Queues: m.queues, IRQ: m})
	if err != nil {
		m.fail()
		return fmt.Errorf("virtio-mmio: DRIVER_OK: activating device %d: %w", m.dev.Type(), err)
	}
	m.active = true
	return nil
}

// reset returns the transport and the device to their initial state.
func (m *MMIO) reset() {
	if m.active {
		m.dev.Reset()
	}
	for _, q := range m.queues {
		q.Reset()
	}
	m.status, m.devFeatSel, m.drvFeatSel, m.drvFeatures = 0, 0, 0, 0
	m.queueSel, m.intStatus, m.active = 0, 0, false
}
