package blk

import (
	"encoding/binary"
	"fmt"
)

// configSize is struct virtio_blk_config up to write_zeroes_may_unmap and
// its padding (spec 5.2.4); only capacity (offset 0, le64) is meaningful
// without the features that give the other fields a meaning.
const configSize = 60

// config returns the configuration space.
func (d *Device) config() []byte {
	b := make([]byte, configSize)
	binary.LittleEndian.PutUint64(b, d.capacity)
	return b
}

// ReadConfig reads the configuration space; bytes past it read as zero.
func (d *Device) ReadConfig(off uint64, p []byte) {
	clear(p)
	if c := d.config(); off < uint64(len(c)) {
		copy(p, c[off:])
	}
}

// WriteConfig refuses writes: writeback (offset 32) is the only writable
// field and only with VIRTIO_BLK_F_CONFIG_WCE, which is not offered.
func (d *Device) WriteConfig(off uint64, p []byte) error {
	return fmt.Errorf("virtio-blk: config write of %d bytes at %#x: no writable field (CONFIG_WCE not offered)", len(p), off)
}
