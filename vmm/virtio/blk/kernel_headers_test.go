package blk

import (
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio/internal/uapi"
)

// TestKernelHeaders checks the feature bits, request types and status
// values against Linux's virtio_blk.h, which the guest driver is built
// from.
func TestKernelHeaders(t *testing.T) {
	uapi.CheckDefines(t, "virtio_blk.h", map[string]uint64{
		"VIRTIO_BLK_F_RO": FeatureRO, "VIRTIO_BLK_F_FLUSH": FeatureFlush, "VIRTIO_BLK_ID_BYTES": IDBytes,
		"VIRTIO_BLK_T_IN": TypeIn, "VIRTIO_BLK_T_OUT": TypeOut, "VIRTIO_BLK_T_FLUSH": TypeFlush,
		"VIRTIO_BLK_T_GET_ID": TypeGetID, "VIRTIO_BLK_T_DISCARD": TypeDiscard,
		"VIRTIO_BLK_T_WRITE_ZEROES": TypeWriteZeroes,
		"VIRTIO_BLK_S_OK":           StatusOK, "VIRTIO_BLK_S_IOERR": StatusIOErr, "VIRTIO_BLK_S_UNSUPP": StatusUnsupp,
	})
}
