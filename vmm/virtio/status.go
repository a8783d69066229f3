package virtio

import "fmt"

// Device status bits (spec 2.1).
const (
	StatusAcknowledge      = 1
	StatusDriver           = 2
	StatusDriverOK         = 4
	StatusFeaturesOK       = 8
	StatusDeviceNeedsReset = 64
	StatusFailed           = 128
)

// nextStatus is the initialisation sequence of spec 3.1.1 as a state
// machine: the driver may only add the next bit, or FAILED at any time, or
// write 0 to reset. It returns the status to store, and whether the write
// is DRIVER_OK (activate) — or an error naming the refused transition.
// FEATURES_OK is kept only if featuresOK says the negotiated set is
// acceptable (spec 3.1.1 step 6: the driver re-reads the status to learn).
func nextStatus(cur, want uint32, featuresOK bool) (uint32, bool, error) {
	if want == cur {
		return cur, false, nil
	}
	if want&StatusFailed != 0 {
		return cur | StatusFailed, false, nil
	}
	steps := []struct{ from, add uint32 }{
		{0, StatusAcknowledge},
		{StatusAcknowledge, StatusDriver},
		{StatusAcknowledge | StatusDriver, StatusFeaturesOK},
		{StatusAcknowledge | StatusDriver | StatusFeaturesOK, StatusDriverOK},
	}
	for _, s := range steps {
		if cur != s.from || want != s.from|s.add {
			continue
		}
		if s.add == StatusFeaturesOK && !featuresOK {
			return cur, false, nil
		}
		return want, s.add == StatusDriverOK, nil
	}
	return cur, false, fmt.Errorf("virtio-mmio: status %#x -> %#x is not a step of the initialisation sequence (spec 3.1.1)", cur, want)
}
