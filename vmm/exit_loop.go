package vmm

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/deepsys/deepsys/vmm/kvm"
)

// The exit loop is the trap half of trap-and-emulate. Each vCPU runs on its
// own goroutine locked to an OS thread (KVM binds a vCPU's state to the
// thread that runs it):
//
//  1. KVM_RUN enters the guest. The CPU (or, on our PVM machines, KVM's
//     emulator for ring-0 code) runs it until an event the VMCS/VMCB says
//     must exit; KVM handles most such exits in the kernel (page faults on
//     its page tables, CPUID, MSRs, in-kernel devices) and returns to us
//     only for what it cannot: the exit reason is in kvm_run.
//  2. KVM_EXIT_IO: a port access; each of Count repetitions is routed by
//     port to the PIO bus. Unclaimed ports read as all ones and ignore
//     writes, as an ISA bus with nothing on it does (guests probe ports).
//  3. KVM_EXIT_MMIO: an access to a guest-physical address no memory slot
//     backs; routed to the MMIO bus. Unclaimed MMIO stops the vCPU with an
//     error: a guest touching nothing at all is broken or hostile.
//  4. KVM_EXIT_HLT (no in-kernel irqchip, so HLT comes to us): the vCPU
//     stops, halted. A write to DebugExitPort stops the VM with a code.
//  5. KVM_EXIT_SHUTDOWN (triple fault), FAIL_ENTRY (the VM-entry checks
//     refused the guest state), INTERNAL_ERROR (e.g. an instruction KVM's
//     emulator lacks) and anything else stop the vCPU with a VCPUError
//     carrying the registers.
//  6. EINTR (a signal: Go's preemption, or a kick from Stop or Pause)
//     re-enters the guest unless the VM is stopping or pausing (pause.go).

// Stop says why a vCPU stopped running without an error.
type Stop struct {
	CPU    int
	Halted bool // the guest executed HLT
	Exited bool // the guest wrote Code to DebugExitPort
	Code   uint8
	Kicked bool // the VMM stopped it (another vCPU stopped the VM)
}

// errStopVM is returned by the debug-exit device to end the loop.
type errStopVM struct{ code uint8 }

func (e errStopVM) Error() string { return fmt.Sprintf("guest exit code %d", e.code) }

// vcpu is one vCPU and its loop state. Only its goroutine touches it
// while Run runs, except tid, which Stop and Pause read; ExitStats reads
// stats after Run.
type vcpu struct {
	vm    *VM
	c     *kvm.VCPU
	tid   atomic.Int32
	stats map[kvm.ExitReason]*histogram
	// pending: the last KVM_RUN returned an exit, whose instruction KVM
	// finishes (an IN's result into RAX, RIP past an OUT) only on the
	// next KVM_RUN.
	pending bool
}

// completePending re-enters KVM_RUN with immediate_exit set, which
// finishes a pending I/O or MMIO instruction and returns EINTR before any
// further guest instruction (api.rst 5, the note after KVM_EXIT_IO and
// KVM_EXIT_MMIO), so the state a pause exposes is consistent.
func (v *vcpu) completePending() error {
	if !v.pending {
		return nil
	}
	v.c.SetImmediateExit(true)
	err := v.c.Run()
	v.c.SetImmediateExit(false)
	if !errors.Is(err, kvm.ErrInterrupted) {
		return v.stopWith(v.c.Exit(), fmt.Errorf("completing the pending exit before a pause: KVM_RUN returned %v", err))
	}
	v.pending = false
	return nil
}

// run is the vCPU goroutine's body.
func (v *vcpu) run() (Stop, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	v.tid.Store(int32(gettid()))
	defer v.tid.Store(0)
	st := Stop{CPU: v.c.ID()}
	for {
		if v.vm.stopping.Load() {
			st.Kicked = true
			return st, nil
		}
		if v.vm.pausing.Load() {
			if err := v.completePending(); err != nil {
				return st, err
			}
			v.vm.park()
			continue
		}
		err := v.c.Run()
		if errors.Is(err, kvm.ErrInterrupted) {
			v.c.SetImmediateExit(false)
			v.pending = false
			continue
		}
		if err != nil {
			return st, v.stopWith(kvm.ExitUnknown, err)
		}
		v.pending = true
		exit, start := v.c.Exit(), time.Now()
		done, err := v.handle(exit, &st)
		v.record(exit, time.Since(start))
		if err != nil || done {
			return st, err
		}
	}
}

// handle services one exit; done means the vCPU stops without error.
func (v *vcpu) handle(exit kvm.ExitReason, st *Stop) (done bool, err error) {
	switch exit {
	case kvm.ExitIO:
		err = v.handleIO()
	case kvm.ExitMMIO:
		err = v.handleMMIO()
	case kvm.ExitHLT:
		st.Halted = true
		return true, nil
	case kvm.ExitShutdown:
		err = errors.New("guest shut down (triple fault: an exception with no usable IDT, or a reset)")
	case kvm.ExitFailEntry:
		f := v.c.FailEntry()
		err = fmt.Errorf("VM entry failed: hardware reason %#x on host CPU %d", f.HardwareReason, f.CPU)
	case kvm.ExitInternalError:
		ie := v.c.InternalError()
		err = fmt.Errorf("KVM internal error: suberror %d (1 = instruction emulation failed), data %#x", ie.Suberror, ie.Data)
	case kvm.ExitSystemEvent:
		err = fmt.Errorf("system event type %d (1 shutdown, 2 reset, 3 crash)", v.c.SystemEvent())
	default:
		err = errors.New("exit reason not handled by this VMM")
	}
	var stop errStopVM
	if errors.As(err, &stop) {
		st.Exited, st.Code = true, stop.code
		return true, nil
	}
	if err != nil {
		return true, v.stopWith(exit, err)
	}
	return false, nil
}

// handleIO routes each repetition of a port access to the PIO bus.
func (v *vcpu) handleIO() error {
	io, err := v.c.IO()
	if err != nil {
		return err
	}
	n := int(io.Size)
	for i := 0; i < len(io.Data); i += n {
		data := io.Data[i : i+n]
		if io.Out {
			err = v.vm.PIO.Write(uint64(io.Port), data)
		} else {
			err = v.vm.PIO.Read(uint64(io.Port), data)
		}
		if errors.Is(err, ErrUnmapped) {
			v.vm.unclaimedPIO.Add(1)
			if !io.Out {
				for j := range data {
					data[j] = 0xff
				}
			}
			err = nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// handleMMIO routes an MMIO access; nothing there is an error.
func (v *vcpu) handleMMIO() error {
	m, err := v.c.MMIO()
	if err != nil {
		return err
	}
	if m.Write {
		return v.vm.MMIO.Write(m.Addr, m.Data)
	}
	return v.vm.MMIO.Read(m.Addr, m.Data)
}

func (v *vcpu) record(exit kvm.ExitReason, d time.Duration) {
	h := v.stats[exit]
	if h == nil {
		h = &histogram{}
		v.stats[exit] = h
	}
	h.add(d)
}
