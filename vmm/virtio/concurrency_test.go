package virtio_test

import (
	"sync"
	"testing"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// TestConcurrentRegisters: one goroutine runs requests through QueueNotify
// while another, like a second vCPU, reads and acknowledges
// InterruptStatus and reads config space. The transport's lock keeps the
// register state consistent (run with -race to check it): every request
// completes and every ACK clears only what it names.
func TestConcurrentRegisters(t *testing.T) {
	r := newRig(t)
	q := r.start(t, virtio.Bit(virtio.FeatureVersion1))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		var b [4]byte
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = r.mmio.Read(virtio.RegInterruptStatus, b[:])
			_ = r.mmio.Write(virtio.RegInterruptACK, []byte{virtio.IntUsedBuffer, 0, 0, 0})
			_ = r.mmio.Read(virtio.ConfigOffset, b[:2])
		}
	}()
	for i := range 2000 {
		q.Add([]virtiotest.Buf{{Addr: 0x8000, Len: 4, Write: true}})
		if err := r.drv.Notify(0); err != nil {
			t.Errorf("request %d: %v", i, err)
			break
		}
		if used, err := q.Collect(); err != nil || len(used) != 1 {
			t.Errorf("request %d: used %v, %v", i, used, err)
			break
		}
	}
	close(stop)
	wg.Wait()
	if st := r.drv.Status(); st&virtio.StatusDeviceNeedsReset != 0 {
		t.Fatalf("status %#x", st)
	}
}
