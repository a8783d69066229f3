package virtio

import (
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio/internal/uapi"
)

// TestKernelHeaders checks the register offsets, flags, status bits and
// feature bits against the Linux uapi headers the guest's drivers are
// built from. (virtio_mmio.h predates QueueReset at 0x0c0, so that one is
// checked only against the spec, in mmio_regs.go.)
func TestKernelHeaders(t *testing.T) {
	uapi.CheckDefines(t, "virtio_mmio.h", map[string]uint64{
		"VIRTIO_MMIO_MAGIC_VALUE": RegMagicValue, "VIRTIO_MMIO_VERSION": RegVersion,
		"VIRTIO_MMIO_DEVICE_ID": RegDeviceID, "VIRTIO_MMIO_VENDOR_ID": RegVendorID,
		"VIRTIO_MMIO_DEVICE_FEATURES": RegDeviceFeatures, "VIRTIO_MMIO_DEVICE_FEATURES_SEL": RegDeviceFeaturesSel,
		"VIRTIO_MMIO_DRIVER_FEATURES": RegDriverFeatures, "VIRTIO_MMIO_DRIVER_FEATURES_SEL": RegDriverFeaturesSel,
		"VIRTIO_MMIO_QUEUE_SEL": RegQueueSel, "VIRTIO_MMIO_QUEUE_NUM_MAX": RegQueueNumMax,
		"VIRTIO_MMIO_QUEUE_NUM": RegQueueNum, "VIRTIO_MMIO_QUEUE_READY": RegQueueReady,
		"VIRTIO_MMIO_QUEUE_NOTIFY": RegQueueNotify, "VIRTIO_MMIO_INTERRUPT_STATUS": RegInterruptStatus,
		"VIRTIO_MMIO_INTERRUPT_ACK": RegInterruptACK, "VIRTIO_MMIO_STATUS": RegStatus,
		"VIRTIO_MMIO_QUEUE_DESC_LOW": RegQueueDescLow, "VIRTIO_MMIO_QUEUE_DESC_HIGH": RegQueueDescHigh,
		"VIRTIO_MMIO_QUEUE_AVAIL_LOW": RegQueueDriverLow, "VIRTIO_MMIO_QUEUE_AVAIL_HIGH": RegQueueDriverHigh,
		"VIRTIO_MMIO_QUEUE_USED_LOW": RegQueueDeviceLow, "VIRTIO_MMIO_QUEUE_USED_HIGH": RegQueueDeviceHigh,
		"VIRTIO_MMIO_SHM_SEL": RegSHMSel, "VIRTIO_MMIO_SHM_LEN_LOW": RegSHMLenLow,
		"VIRTIO_MMIO_SHM_LEN_HIGH": RegSHMLenHigh, "VIRTIO_MMIO_SHM_BASE_LOW": RegSHMBaseLow,
		"VIRTIO_MMIO_SHM_BASE_HIGH": RegSHMBaseHigh, "VIRTIO_MMIO_CONFIG_GENERATION": RegConfigGeneration,
		"VIRTIO_MMIO_CONFIG":    ConfigOffset,
		"VIRTIO_MMIO_INT_VRING": IntUsedBuffer, "VIRTIO_MMIO_INT_CONFIG": IntConfigChange,
	})
	uapi.CheckDefines(t, "virtio_ring.h", map[string]uint64{
		"VRING_DESC_F_NEXT": DescFNext, "VRING_DESC_F_WRITE": DescFWrite, "VRING_DESC_F_INDIRECT": DescFIndirect,
		"VRING_USED_F_NO_NOTIFY": usedFNoNotify, "VRING_AVAIL_F_NO_INTERRUPT": availFNoInterrupt,
		"VIRTIO_RING_F_INDIRECT_DESC": FeatureIndirectDesc, "VIRTIO_RING_F_EVENT_IDX": FeatureEventIdx,
		"VRING_AVAIL_ALIGN_SIZE": 2, "VRING_USED_ALIGN_SIZE": 4, "VRING_DESC_ALIGN_SIZE": descSize,
	})
	uapi.CheckDefines(t, "virtio_config.h", map[string]uint64{
		"VIRTIO_CONFIG_S_ACKNOWLEDGE": StatusAcknowledge, "VIRTIO_CONFIG_S_DRIVER": StatusDriver,
		"VIRTIO_CONFIG_S_DRIVER_OK": StatusDriverOK, "VIRTIO_CONFIG_S_FEATURES_OK": StatusFeaturesOK,
		"VIRTIO_CONFIG_S_NEEDS_RESET": StatusDeviceNeedsReset, "VIRTIO_CONFIG_S_FAILED": StatusFailed,
		"VIRTIO_F_VERSION_1": FeatureVersion1,
	})
	uapi.CheckDefines(t, "virtio_ids.h", map[string]uint64{"VIRTIO_ID_BLOCK": IDBlock, "VIRTIO_ID_RNG": IDEntropy})
}
