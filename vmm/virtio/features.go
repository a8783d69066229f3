package virtio

// Device-independent feature bits (spec 6). Device-specific bits are
// 0-23 and live with their device.
const (
	FeatureIndirectDesc = 28 // VIRTIO_F_INDIRECT_DESC: indirect tables (spec 2.7.5.3)
	FeatureEventIdx     = 29 // VIRTIO_F_EVENT_IDX: used_event / avail_event (spec 2.7.10)
	FeatureVersion1     = 32 // VIRTIO_F_VERSION_1: a non-legacy device
)

// Device IDs (spec 5).
const (
	IDBlock   = 2 // virtio-blk, spec 5.2
	IDEntropy = 4 // virtio-rng, spec 5.4
)

// Bit returns the feature mask of bit n.
func Bit(n uint) uint64 { return 1 << n }

// CommonFeatures are the transport features every device here offers.
const CommonFeatures = 1<<FeatureVersion1 | 1<<FeatureIndirectDesc | 1<<FeatureEventIdx
