package exitbench

import (
	"fmt"
	"time"

	"github.com/deepsys/deepsys/vmm"
	"github.com/deepsys/deepsys/vmm/kvm"
	"github.com/deepsys/deepsys/vmm/tinyguest"
	"golang.org/x/sys/unix"
)

// Port and Window are where the guest's accesses go.
const (
	Port   = 0x510
	Window = vmm.DevicesMMIOStart
)

// Kind is one of the workloads' accesses.
type Kind string

// The kinds of access measured.
const (
	PIO       Kind = "pio"
	MMIO      Kind = "mmio"
	IOEventFD Kind = "ioeventfd"
	PIORing3  Kind = "pio-ring3" // PIO from a ring-3 guest
)

// Kinds are the workloads in the order reported.
var Kinds = []Kind{PIO, MMIO, IOEventFD, PIORing3}

// nullDevice drops writes and reads zeros.
type nullDevice struct{}

func (nullDevice) Read(off uint64, data []byte) error  { clear(data); return nil }
func (nullDevice) Write(off uint64, data []byte) error { return nil }

// guestVM is a 2 MiB vmm.VM with null devices on Port and Window (or an
// ioeventfd on Port for IOEventFD) running the exit-loop guest of n
// accesses of kind k. close releases it.
func guestVM(k Kind, n int) (vm *vmm.VM, close func(), err error) {
	acc := tinyguest.PIO
	if k == MMIO {
		acc = tinyguest.MMIO
	}
	build := tinyguest.ExitLoop
	if k == PIORing3 {
		build = tinyguest.ExitLoopRing3
	}
	code, err := build(n, acc, Port, Window)
	if err != nil {
		return nil, nil, err
	}
	vm, err = vmm.New(vmm.Config{MemSize: 2 << 20})
	if err != nil {
		return nil, nil, err
	}
	efd := -1
	close = func() {
		vm.Close()
		if efd >= 0 {
			unix.Close(efd)
		}
	}
	defer func() {
		if err != nil {
			close()
		}
	}()
	if err = attach(vm, k, &efd); err != nil {
		return nil, nil, err
	}
	if err = tinyguest.Load(vm, code); err != nil {
		return nil, nil, err
	}
	return vm, close, nil
}

func attach(vm *vmm.VM, k Kind, efd *int) error {
	if err := vm.PIO.Insert(Port, 1, "null", nullDevice{}); err != nil {
		return err
	}
	if err := vm.MMIO.Insert(Window, 8, "null", nullDevice{}); err != nil {
		return err
	}
	if k != IOEventFD {
		return nil
	}
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return fmt.Errorf("exitbench: eventfd: %w", err)
	}
	*efd = fd
	return vm.KVM().IOEventFD(fd, Port, 1, kvm.IOEventFDPIO, 0)
}

// runOurs runs the guest of n accesses of kind k in our exit loop and
// returns nanoseconds per access.
func runOurs(k Kind, n int) (float64, error) {
	vm, closeVM, err := guestVM(k, n)
	if err != nil {
		return 0, err
	}
	defer closeVM()
	start := time.Now()
	stops, err := vm.Run()
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if len(stops) != 1 || !stops[0].Exited || stops[0].Code != 0 {
		return 0, fmt.Errorf("exitbench: %s guest stopped with %+v, want debug exit 0", k, stops)
	}
	return float64(d.Nanoseconds()) / float64(n), nil
}
