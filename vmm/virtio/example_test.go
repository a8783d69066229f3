package virtio_test

import (
	"fmt"

	"github.com/deepsys/deepsys/vmm/virtio"
	"github.com/deepsys/deepsys/vmm/virtio/rng"
	"github.com/deepsys/deepsys/vmm/virtio/virtiotest"
)

// A VMM puts a device behind a virtio-mmio transport and routes the MMIO
// exits of its 0x200-byte window to Read and Write; here a test driver
// plays the guest.
func ExampleMMIO() {
	mem := virtio.NewByteMemory(0, 1<<20)
	dev := virtio.NewMMIO(rng.New(nil), mem, func() { fmt.Println("interrupt") })

	drv := virtiotest.New(dev, mem)
	if _, err := drv.Init(virtio.CommonFeatures); err != nil {
		panic(err)
	}
	q, _ := drv.SetupQueue(0, 16)
	drv.Start()

	buf := drv.Alloc(32, 16)
	q.Add([]virtiotest.Buf{{Addr: buf, Len: 32, Write: true}})
	drv.Notify(0) // the guest's store to QueueNotify: an MMIO exit
	used, _ := q.Collect()
	fmt.Printf("%d random bytes\n", used[0].Len)
	// Output:
	// interrupt
	// 32 random bytes
}
