package virtio

import "fmt"

// readReg returns the value of the 32-bit register at off (spec 4.2.2).
// Write-only and unknown registers read as 0.
func (m *MMIO) readReg(off uint64) (uint32, error) {
	q := m.queue()
	switch off {
	case RegMagicValue:
		return MagicValue, nil
	case RegVersion:
		return Version, nil
	case RegDeviceID:
		return m.dev.Type(), nil
	case RegVendorID:
		return VendorID, nil
	case RegDeviceFeatures:
		return featureWindow(m.dev.Features(), m.devFeatSel), nil
	case RegQueueNumMax:
		if q == nil {
			return 0, nil
		}
		return uint32(q.MaxSize), nil
	case RegQueueReady:
		return boolReg(q != nil && q.Ready), nil
	case RegInterruptStatus:
		return m.intStatus, nil
	case RegStatus:
		return m.status, nil
	case RegSHMLenLow, RegSHMLenHigh, RegSHMBaseLow, RegSHMBaseHigh:
		return 0xffffffff, nil // no shared memory region (spec 4.2.2)
	case RegQueueReset:
		return 0, nil
	case RegConfigGeneration:
		return m.configGen, nil
	}
	return 0, &AccessError{Offset: off, Len: 4, Reason: "not a readable register"}
}

// writeReg stores v to the register at off.
func (m *MMIO) writeReg(off uint64, v uint32) error {
	switch off {
	case RegDeviceFeaturesSel:
		m.devFeatSel = v
	case RegDriverFeaturesSel:
		m.drvFeatSel = v
	case RegDriverFeatures:
		return m.writeDriverFeatures(v)
	case RegQueueSel:
		m.queueSel = v
	case RegQueueNum, RegQueueReady, RegQueueDescLow, RegQueueDescHigh,
		RegQueueDriverLow, RegQueueDriverHigh, RegQueueDeviceLow, RegQueueDeviceHigh:
		return m.writeQueueReg(off, v)
	case RegQueueNotify:
		return m.notify(v)
	case RegInterruptACK:
		m.intStatus &^= v
	case RegStatus:
		return m.writeStatus(v)
	case RegSHMSel, RegQueueReset:
		// no shared memory regions; VIRTIO_F_RING_RESET is not offered
	default:
		return &AccessError{Offset: off, Len: 4, Write: true, Reason: "not a writable register"}
	}
	return nil
}

// featureWindow is the 32-bit window sel of a 64-bit feature set.
func featureWindow(f uint64, sel uint32) uint32 {
	switch sel {
	case 0:
		return uint32(f)
	case 1:
		return uint32(f >> 32)
	}
	return 0
}

func boolReg(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// writeDriverFeatures records the driver's choice; only between DRIVER and
// FEATURES_OK (spec 3.1.1 step 4).
func (m *MMIO) writeDriverFeatures(v uint32) error {
	if m.status != StatusAcknowledge|StatusDriver {
		return m.refuse(RegDriverFeatures, "DriverFeatures written outside the DRIVER state")
	}
	switch m.drvFeatSel {
	case 0:
		m.drvFeatures = m.drvFeatures&^0xffffffff | uint64(v)
	case 1:
		m.drvFeatures = m.drvFeatures&0xffffffff | uint64(v)<<32
	default:
		if v != 0 {
			return m.refuse(RegDriverFeatures, fmt.Sprintf("feature bits in window %d, which the device does not have", m.drvFeatSel))
		}
	}
	return nil
}

// featuresAcceptable is the device's side of spec 3.1.1 step 5: a subset of
// what it offered, with VIRTIO_F_VERSION_1 (spec 6.1: a non-legacy device
// refuses a driver that does not accept it).
func (m *MMIO) featuresAcceptable() bool {
	return m.drvFeatures&^m.dev.Features() == 0 && m.drvFeatures&(1<<FeatureVersion1) != 0
}

func (m *MMIO) refuse(off uint64, why string) error {
	return &AccessError{Offset: off, Len: 4, Write: true, Reason: why}
}
