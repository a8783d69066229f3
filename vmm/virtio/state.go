package virtio

import "fmt"

// Snapshot and restore of the transport and its queues. A snapshot of a
// running VM copies guest memory (the rings live there) plus what only the
// device side knows: where it is in each ring and how far negotiation got.
// Restore is input from a file: it is checked as strictly as a guest's
// register writes, then the device is re-activated over the restored
// memory, so a corrupt snapshot is an error, not a device reading out of
// bounds later.
//
// No request is in flight in a snapshot: the devices here (blk, rng)
// finish every chain before Notify returns, so next_avail == next_used at
// any pause. A device with asynchronous requests will have to drain them,
// or save them, before SaveState.

// QueueState is the device side of one queue.
type QueueState struct {
	Size             uint16
	Ready            bool
	Desc, Avail      uint64
	Used             uint64
	NextAvail        uint16
	NextUsed         uint16
	LastIRQ          uint16
	NotifyOff        bool
	MaxSizeAtCapture uint16 // QueueNumMax then; must match the device now
}

// State is the transport's state.
type State struct {
	DeviceType  uint32
	Status      uint32
	DevFeatSel  uint32
	DrvFeatSel  uint32
	DrvFeatures uint64
	QueueSel    uint32
	IntStatus   uint32
	ConfigGen   uint32
	Queues      []QueueState
}

// SaveState captures the transport. The caller pauses the vCPUs first.
func (m *MMIO) SaveState() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := State{DeviceType: m.dev.Type(), Status: m.status, DevFeatSel: m.devFeatSel, DrvFeatSel: m.drvFeatSel,
		DrvFeatures: m.drvFeatures, QueueSel: m.queueSel, IntStatus: m.intStatus, ConfigGen: m.configGen}
	for _, q := range m.queues {
		s.Queues = append(s.Queues, QueueState{Size: q.Size, Ready: q.Ready, Desc: q.Desc, Avail: q.Avail, Used: q.Used,
			NextAvail: q.nextAvail, NextUsed: q.nextUsed, LastIRQ: q.lastIRQ, NotifyOff: q.notifyOff, MaxSizeAtCapture: q.MaxSize})
	}
	return s
}

// RestoreState resets the transport and puts s in place; if the driver had
// set DRIVER_OK, the device is activated again over guest memory.
func (m *MMIO) RestoreState(s State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkState(s); err != nil {
		return fmt.Errorf("virtio-mmio: restore: %w", err)
	}
	m.reset()
	m.status, m.devFeatSel, m.drvFeatSel, m.drvFeatures = s.Status, s.DevFeatSel, s.DrvFeatSel, s.DrvFeatures
	m.queueSel, m.intStatus, m.configGen = s.QueueSel, s.IntStatus, s.ConfigGen
	for i, qs := range s.Queues {
		q := m.queues[i]
		q.Size, q.Ready, q.Desc, q.Avail, q.Used = qs.Size, qs.Ready, qs.Desc, qs.Avail, qs.Used
	}
	if s.Status&StatusDriverOK == 0 || s.Status&StatusDeviceNeedsReset != 0 {
		return nil
	}
	if err := m.activate(); err != nil {
		return fmt.Errorf("virtio-mmio: restore: %w", err)
	}
	for i, qs := range s.Queues {
		q := m.queues[i]
		q.nextAvail, q.nextUsed, q.lastIRQ, q.notifyOff = qs.NextAvail, qs.NextUsed, qs.LastIRQ, qs.NotifyOff
	}
	return nil
}

// checkState refuses a state this device could not have reached.
func (m *MMIO) checkState(s State) error {
	if s.DeviceType != m.dev.Type() {
		return fmt.Errorf("state of device type %d for a device of type %d", s.DeviceType, m.dev.Type())
	}
	if len(s.Queues) != len(m.queues) {
		return fmt.Errorf("%d queues in the state, the device has %d", len(s.Queues), len(m.queues))
	}
	if !reachableStatus(s.Status &^ (StatusFailed | StatusDeviceNeedsReset)) {
		return fmt.Errorf("status %#x is not one the initialisation sequence reaches", s.Status)
	}
	if s.Status&StatusFeaturesOK != 0 && (s.DrvFeatures&^m.dev.Features() != 0 || s.DrvFeatures&(1<<FeatureVersion1) == 0) {
		return fmt.Errorf("negotiated features %#x are not acceptable to the device (offers %#x)", s.DrvFeatures, m.dev.Features())
	}
	for i, qs := range s.Queues {
		if qs.MaxSizeAtCapture != m.queues[i].MaxSize {
			return fmt.Errorf("queue %d: QueueNumMax %d in the state, the device has %d", i, qs.MaxSizeAtCapture, m.queues[i].MaxSize)
		}
		if qs.NextUsed-qs.LastIRQ > qs.Size || qs.NextAvail-qs.NextUsed > qs.Size {
			return fmt.Errorf("queue %d: ring positions avail %d, used %d, irq %d are inconsistent with size %d",
				i, qs.NextAvail, qs.NextUsed, qs.LastIRQ, qs.Size)
		}
	}
	return nil
}

// reachableStatus: the status values of the sequence in status.go.
func reachableStatus(st uint32) bool {
	switch st {
	case 0, StatusAcknowledge, StatusAcknowledge | StatusDriver, StatusAcknowledge | StatusDriver | StatusFeaturesOK,
		StatusAcknowledge | StatusDriver | StatusFeaturesOK | StatusDriverOK:
		return true
	}
	return false
}
