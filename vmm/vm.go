package vmm

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/deepsys/deepsys/vmm/kvm"
	"golang.org/x/sys/unix"
)

// Config is the shape of a VM.
type Config struct {
	MemSize uint64 // bytes of RAM (RAMRanges places them)
	CPUs    int    // vCPUs, 1 if 0
	// IRQChip puts the PIC, IOAPIC and local APICs in the kernel
	// (KVM_CREATE_IRQCHIP), so irqfds can inject interrupts. HLT is then
	// handled by KVM (the vCPU sleeps until an interrupt) and no longer
	// stops the vCPU; such guests finish through DebugExitPort.
	IRQChip bool
	// DirtyLog makes KVM track which RAM pages the guest writes
	// (KVM_MEM_LOG_DIRTY_PAGES), read with DirtyPages.
	DirtyLog bool
}

// VM is a KVM virtual machine with its RAM, its two buses and its vCPUs.
// Devices are attached to PIO and MMIO before Run.
type VM struct {
	Mem  *Memory
	PIO  *Bus
	MMIO *Bus

	sys          *kvm.System
	vm           *kvm.VM
	vcpus        []*vcpu
	stopping     atomic.Bool
	pausing      atomic.Bool // mirrors pause.paused for the loop's fast check
	pause        pauser
	unclaimedPIO atomic.Uint64
	eventfds     []int // irqfds made by IRQLine, closed by Close
	// closers stop what serves the VM from other goroutines (ioeventfd
	// readers); Close runs them before it unmaps RAM.
	closers []func() error
}

// New creates the VM: RAM registered as memory slots, the boot tables for
// long mode written into it, the vCPUs created with shaped CPUID, and the
// DebugExitPort device on the PIO bus.
func New(cfg Config) (_ *VM, err error) {
	if cfg.CPUs == 0 {
		cfg.CPUs = 1
	}
	if cfg.CPUs < 0 || cfg.CPUs > 255 {
		return nil, fmt.Errorf("vmm: %d vCPUs: want 1-255 (8-bit APIC IDs)", cfg.CPUs)
	}
	v := &VM{PIO: NewBus("pio"), MMIO: NewBus("mmio")}
	v.pause.init()
	defer func() {
		if err != nil {
			v.Close()
		}
	}()
	if v.sys, err = kvm.Open(); err != nil {
		return nil, err
	}
	if v.vm, err = v.sys.CreateVM(); err != nil {
		return nil, err
	}
	if err = v.setupMemory(cfg.MemSize, cfg.DirtyLog); err != nil {
		return nil, err
	}
	if cfg.IRQChip {
		if err = v.vm.CreateIRQChip(); err != nil {
			return nil, err
		}
	}
	if err = v.createVCPUs(cfg.CPUs); err != nil {
		return nil, err
	}
	return v, v.PIO.Insert(DebugExitPort, 1, "debug-exit", debugExit{})
}

// setupMemory maps RAM, registers each region as a slot and writes the
// boot tables. KVM_SET_TSS_ADDR is made first, as Intel hosts need it.
func (v *VM) setupMemory(size uint64, dirtyLog bool) error {
	if err := v.vm.SetTSSAddr(KVMTSSAddr); err != nil {
		return err
	}
	mem, err := NewMemory(size)
	if err != nil {
		return err
	}
	v.Mem = mem
	var flags uint32
	if dirtyLog {
		flags = kvm.MemLogDirtyPages
	}
	for i, r := range mem.Regions() {
		if err := v.vm.SetUserMemoryRegion(uint32(i), flags, r.GPA, r.Data); err != nil {
			return err
		}
	}
	return writeBootTables(mem)
}

func (v *VM) createVCPUs(n int) error {
	supported, err := v.sys.SupportedCPUID()
	if err != nil {
		return err
	}
	for id := range n {
		c, err := v.vm.CreateVCPU(id)
		if err != nil {
			return err
		}
		v.vcpus = append(v.vcpus, &vcpu{vm: v, c: c, stats: map[kvm.ExitReason]*histogram{}})
		if err := c.SetCPUID2(shapeCPUID(supported, id)); err != nil {
			return fmt.Errorf("vCPU %d: %w", id, err)
		}
	}
	return nil
}

// SetupLongMode sets vCPU cpu to start in 64-bit ring 0 at entry with
// RSP = stack (BootStack if 0), on the boot page tables and GDT.
func (v *VM) SetupLongMode(cpu int, entry, stack uint64) error {
	if cpu < 0 || cpu >= len(v.vcpus) {
		return fmt.Errorf("vmm: no vCPU %d (have %d)", cpu, len(v.vcpus))
	}
	if err := setupLongMode(v.vcpus[cpu].c, entry, stack); err != nil {
		return fmt.Errorf("vCPU %d long mode: %w", cpu, err)
	}
	return nil
}

// Run runs every vCPU until each stops: the first to stop with an error,
// exit or halt stops the others (they report Kicked). It returns one Stop
// per vCPU and the errors joined. A VM runs once: a stopped VM is closed,
// and a guest continues elsewhere through Snapshot and Restore.
func (v *VM) Run() ([]Stop, error) {
	stops := make([]Stop, len(v.vcpus))
	errs := make([]error, len(v.vcpus))
	var wg sync.WaitGroup
	for i, c := range v.vcpus {
		v.enter()
		wg.Go(func() {
			stops[i], errs[i] = c.run()
			v.leave()
			v.Stop()
		})
	}
	wg.Wait()
	return stops, errors.Join(errs...)
}

// Stop asks every vCPU to leave KVM_RUN and return from Run: it sets
// kvm_run.immediate_exit (caught if the thread is about to enter) and
// signals the thread (if it is inside the guest).
func (v *VM) Stop() {
	v.stopping.Store(true)
	v.kickAll()
	v.pause.mu.Lock()
	v.pause.cond.Broadcast() // wake parked vCPUs so they see stopping
	v.pause.mu.Unlock()
}

// kickAll gets every vCPU out of KVM_RUN: immediate_exit catches one about
// to enter, the signal one inside the guest.
func (v *VM) kickAll() {
	for _, c := range v.vcpus {
		c.c.SetImmediateExit(true)
		_ = kick(int(c.tid.Load())) // a thread that has just exited is no error
	}
}

// UnclaimedPIO counts port accesses no device claimed.
func (v *VM) UnclaimedPIO() uint64 { return v.unclaimedPIO.Load() }

// Close releases vCPUs, the VM, RAM and /dev/kvm. Call it after Run has
// returned: a running vCPU still uses its kvm_run page and the RAM.
func (v *VM) Close() error {
	var errs []error
	for _, c := range v.vcpus {
		errs = append(errs, c.c.Close())
	}
	v.vcpus = nil
	for _, c := range v.closers {
		errs = append(errs, c())
	}
	v.closers = nil
	for _, fd := range v.eventfds {
		errs = append(errs, unix.Close(fd))
	}
	v.eventfds = nil
	if v.vm != nil {
		errs = append(errs, v.vm.Close())
	}
	if v.Mem != nil {
		errs = append(errs, v.Mem.Close())
	}
	if v.sys != nil {
		errs = append(errs, v.sys.Close())
	}
	return errors.Join(errs...)
}

// debugExit is QEMU's isa-debug-exit: a write stops the VM with its byte.
type debugExit struct{}

func (debugExit) Read(off uint64, data []byte) error {
	clear(data)
	return nil
}

func (debugExit) Write(off uint64, data []byte) error { return errStopVM{code: data[0]} }

// KVM is the underlying KVM VM, for devices that register ioeventfds and
// irqfds.
func (v *VM) KVM() *kvm.VM { return v.vm }
