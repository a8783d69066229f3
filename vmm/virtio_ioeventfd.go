package vmm

import (
	"fmt"
	"os"

	"github.com/deepsys/deepsys/vmm/kvm"
	"github.com/deepsys/deepsys/vmm/virtio"
	"golang.org/x/sys/unix"
)

// notifyByIOEventFD turns the guest's QueueNotify stores into eventfd
// signals inside the kernel (KVM_IOEVENTFD, api.rst 4.59), sparing the
// vCPU an exit to the VMM (1.25 µs instead of 8-10 µs here):
//
//  1. For each queue i, an eventfd is bound to 4-byte writes of value i
//     (KVM_IOEVENTFD_FLAG_DATAMATCH) at Base+QueueNotify (spec 4.2.2).
//  2. The vCPU's store completes in the kernel: the guest continues at
//     once, and the request is served concurrently, so a driver must poll
//     or wait for the interrupt — as it must on real hardware.
//  3. One goroutine per queue reads its eventfd (through Go's poller) and
//     calls virtio.MMIO.Notify(i); several stores before it wakes count as
//     one notification, which is fine: Notify serves everything available.
//  4. VM.Close closes the eventfds and waits for the goroutines before it
//     unmaps RAM they may be reading.
//
// A write of another value or width to QueueNotify still exits and reaches
// the transport through the bus, which refuses or serves it.
func (v *VM) notifyByIOEventFD(d *VirtioMMIO, queues int) error {
	for i := range queues {
		efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			return fmt.Errorf("vmm: eventfd for virtio-mmio%d queue %d: %w", d.Slot, i, err)
		}
		err = v.vm.IOEventFD(efd, d.Base+virtio.RegQueueNotify, 4, kvm.IOEventFDDataMatch, uint64(i))
		if err != nil {
			unix.Close(efd)
			return fmt.Errorf("vmm: virtio-mmio%d queue %d: %w", d.Slot, i, err)
		}
		f := os.NewFile(uintptr(efd), fmt.Sprintf("virtio-mmio%d queue %d notify", d.Slot, i))
		done := make(chan struct{})
		go d.serveNotify(f, uint32(i), done)
		v.closers = append(v.closers, func() error {
			err := f.Close()
			<-done
			return err
		})
	}
	return nil
}

// serveNotify is step 3: it returns when f is closed.
func (d *VirtioMMIO) serveNotify(f *os.File, queue uint32, done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 8)
	for {
		if _, err := f.Read(buf); err != nil {
			return
		}
		d.ioNotifies.Add(1)
		d.record(d.Transport.Notify(queue))
	}
}

// IOEventFDNotifies is how many notifications arrived through ioeventfds.
func (d *VirtioMMIO) IOEventFDNotifies() uint64 { return d.ioNotifies.Load() }
